//! The rules one field of a register must follow, each answering what is wrong in one
//! phrase (the caller adds where): import validation and the console's edit forms check
//! a value with the same function, so a file and a form refuse the same things.

use draxis_protocol::types::Direction;

/// Longest owner, in characters.
pub const MAX_OWNER_CHARS: usize = 200;
/// Longest alias, in characters.
pub const MAX_ALIAS_CHARS: usize = 100;
/// Most aliases one KRI may have.
pub const MAX_ALIASES: usize = 50;

/// A number that is neither NaN nor infinite.
pub fn finite(value: f64) -> Result<(), String> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(format!("must be a finite number, not {value}"))
    }
}

/// `critical` lies strictly beyond `warn` in the KRI's direction.
pub fn threshold_order(direction: Direction, warn: f64, critical: f64) -> Result<(), String> {
    match direction {
        Direction::HigherIsWorse if critical <= warn => Err(format!(
            "must be above warn for a higher_is_worse KRI (warn {warn}, critical {critical})"
        )),
        Direction::LowerIsWorse if critical >= warn => Err(format!(
            "must be below warn for a lower_is_worse KRI (warn {warn}, critical {critical})"
        )),
        _ => Ok(()),
    }
}

/// A likelihood or impact: 1 to 5.
pub fn one_to_five(value: u8) -> Result<(), String> {
    if (1..=5).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "likelihood and impact run from 1 to 5, not {value}"
        ))
    }
}

/// A control's effectiveness: 0 to 1.
pub fn effectiveness(value: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "must be between 0 and 1 (such as 0.7), not {value}"
        ))
    }
}

/// Loss events per year: finite and not negative.
pub fn event_frequency(value: f64) -> Result<(), String> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "must be a number of events per year, 0 or more (such as 0.5), not {value}"
        ))
    }
}

/// A 90% loss interval: 0 < low < high.
pub fn loss_interval(low: f64, high: f64) -> Result<(), String> {
    if low.is_finite() && high.is_finite() && low > 0.0 && low < high {
        Ok(())
    } else {
        Err(format!(
            "the 90% interval needs 0 < low < high; got low {low}, high {high}"
        ))
    }
}

/// An owner: at most [`MAX_OWNER_CHARS`] characters, no control characters.
pub fn owner(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_OWNER_CHARS {
        Err(format!("must be at most {MAX_OWNER_CHARS} characters"))
    } else if value.chars().any(char::is_control) {
        Err("must not contain control characters".into())
    } else {
        Ok(())
    }
}

/// A KRI's aliases: each non-empty, at most [`MAX_ALIAS_CHARS`] characters without
/// control characters, no two the same ignoring case, at most [`MAX_ALIASES`].
pub fn aliases(values: &[String]) -> Result<(), String> {
    if values.len() > MAX_ALIASES {
        return Err(format!(
            "at most {MAX_ALIASES} aliases, not {}",
            values.len()
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for alias in values {
        if alias.trim().is_empty() {
            return Err("an alias is empty: remove it".into());
        }
        if alias.chars().count() > MAX_ALIAS_CHARS || alias.chars().any(char::is_control) {
            return Err(format!(
                "alias `{alias}` must be one line of at most {MAX_ALIAS_CHARS} characters"
            ));
        }
        if !seen.insert(alias.to_lowercase()) {
            return Err(format!("alias `{alias}` is listed twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_what_it_names() {
        assert!(threshold_order(Direction::HigherIsWorse, 1.0, 2.0).is_ok());
        assert!(threshold_order(Direction::HigherIsWorse, 2.0, 2.0).is_err());
        assert!(threshold_order(Direction::LowerIsWorse, 2.0, 1.0).is_ok());
        assert!(threshold_order(Direction::LowerIsWorse, 1.0, 2.0).is_err());
        assert!(one_to_five(0).is_err() && one_to_five(6).is_err() && one_to_five(5).is_ok());
        assert!(effectiveness(1.01).is_err() && effectiveness(f64::NAN).is_err());
        assert!(loss_interval(10.0, 10.0).is_err() && loss_interval(0.0, 1.0).is_err());
        assert!(loss_interval(1.0, 2.0).is_ok());
        assert!(event_frequency(-0.1).is_err() && event_frequency(0.0).is_ok());
        assert!(aliases(&["Patching".into(), "patching".into()]).is_err());
        assert!(aliases(&[" ".into()]).is_err());
        assert!(owner(&"é".repeat(MAX_OWNER_CHARS)).is_ok());
        assert!(owner("a\nb").is_err());
    }
}
