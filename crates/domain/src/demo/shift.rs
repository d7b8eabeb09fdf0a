//! Moving a register's dates from the day its file was written as of (the anchor) to
//! today, so the demo never goes stale: vendor assessments and asset sightings keep their
//! age.

use chrono::NaiveDate;
use draxis_register::Register;

/// Adds `today - anchor` to every date `register` holds (vendors' last and next
/// assessments, assets' last sighting).
pub(super) fn shift_dates(register: &mut Register, anchor: NaiveDate, today: NaiveDate) {
    let by = today.signed_duration_since(anchor);
    let shift_day = |day: &mut NaiveDate| {
        *day = day.checked_add_signed(by).unwrap_or(*day);
    };
    for vendor in register.vendors.iter_mut().flatten() {
        if let Some(assessment) = vendor.last_assessment.as_mut() {
            shift_day(&mut assessment.date);
        }
        shift_day(&mut vendor.next_assessment_due);
    }
    for asset in register.assets.iter_mut().flatten() {
        asset.last_seen = asset
            .last_seen
            .checked_add_signed(by)
            .unwrap_or(asset.last_seen);
    }
    // Histories are generated ending today; a file's own observations move with it too.
    for observation in register.observations.iter_mut().flatten() {
        observation.observed_at = observation
            .observed_at
            .checked_add_signed(by)
            .unwrap_or(observation.observed_at);
    }
}
