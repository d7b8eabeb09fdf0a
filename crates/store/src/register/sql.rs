//! The few statement shapes an import needs, over typed column values: read a table's
//! rows as values, insert many rows in one statement, update the changed columns of one
//! row. Values compare exactly, so a row equal to what is stored is never written.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyConnection, Arguments, AssertSqlSafe, Row};

/// How a column is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int,
    Real,
    Text,
    /// Nullable variants.
    OptInt,
    OptReal,
    OptText,
}

/// One column an import writes: its SQL name, the register field it comes from (named in
/// the report when it changes) and how it is stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub name: &'static str,
    pub field: &'static str,
    pub kind: Kind,
}

pub(super) const fn col(name: &'static str, field: &'static str, kind: Kind) -> Column {
    Column { name, field, kind }
}

/// A column's value.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(i64),
    Real(f64),
    Text(String),
    NullInt,
    NullReal,
    NullText,
}

impl Value {
    fn is_null(&self) -> bool {
        matches!(self, Value::NullInt | Value::NullReal | Value::NullText)
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Real(a), Value::Real(b)) => a == b || a.to_bits() == b.to_bits(),
            (Value::Text(a), Value::Text(b)) => a == b,
            (a, b) => a.is_null() && b.is_null(),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NullInt, Value::Int)
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Value::NullReal, Value::Real)
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::NullText, Value::Text)
    }
}

pub(super) fn bind(args: &mut AnyArguments, value: &Value) -> Result<(), sqlx::Error> {
    match value {
        Value::Int(v) => args.add(*v),
        Value::Real(v) => args.add(*v),
        Value::Text(v) => args.add(v.clone()),
        Value::NullInt => args.add(None::<i64>),
        Value::NullReal => args.add(None::<f64>),
        Value::NullText => args.add(None::<String>),
    }
    .map_err(sqlx::Error::Encode)
}

/// Column `index` of `row` as a value of `kind`.
pub(super) fn read(row: &AnyRow, index: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Int => Value::Int(row.try_get(index)?),
        Kind::Real => Value::Real(row.try_get(index)?),
        Kind::Text => Value::Text(row.try_get(index)?),
        Kind::OptInt => row.try_get::<Option<i64>, _>(index)?.into(),
        Kind::OptReal => row.try_get::<Option<f64>, _>(index)?.into(),
        Kind::OptText => row.try_get::<Option<String>, _>(index)?.into(),
    })
}

/// `columns` of `row`, starting at column `first`.
pub(super) fn read_columns(
    row: &AnyRow,
    first: usize,
    columns: &[Column],
) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| read(row, first + i, c.kind))
        .collect()
}

/// The comma-separated names of `columns`.
pub(super) fn names(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Most values bound in one statement. SQLite allows 32,766 and PostgreSQL 65,535, but
/// SQLite looks each `$n` up by name in a list, so binding costs grow with the square of
/// the count: a 1,000-row asset insert (14,000 values) took 0.7-1.8 s, the same rows in
/// statements of 4,000 values a fraction of that (demo seeding 3.7-6.8 s → 1.6-2.1 s).
const MAX_BOUND: usize = 4_000;

/// Inserts `rows` (each `tenant_id` first, then one value per column) into `table`, in
/// as few multi-row statements as the bound-value limit allows.
pub(super) async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    let width = columns.len().max(1);
    let per_statement = (MAX_BOUND / width).clamp(1, 1000);
    // SQLite records every `$7` or `?7` in a list it searches linearly, so a statement with
    // thousands of them parses in quadratic time; a bare `?` (the next value) is just
    // counted. The values are bound in placeholder order either way. PostgreSQL knows
    // only `$7`.
    let numbered = conn.backend_name() != "SQLite";
    for chunk in rows.chunks(per_statement) {
        let mut args = AnyArguments::default();
        let mut sql = String::with_capacity(64 + chunk.len() * width * 6);
        sql.push_str(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ));
        for (r, row) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for (c, value) in row.iter().enumerate() {
                bind(&mut args, value)?;
                if c > 0 {
                    sql.push_str(", ");
                }
                if numbered {
                    sql.push('$');
                    sql.push_str(&args.len().to_string());
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        // The text is our table and column names and placeholders; every value is bound.
        // Not kept prepared: PostgreSQL fixes a prepared statement's parameter types at its
        // first use, and a later batch of the same shape may bind another type in a column
        // (a null of another kind) and be refused as "incorrect binary data format" (seen once
        // in 6 PostgreSQL runs of the demo round trip; the exact column was not pinned down).
        sqlx::query_with(AssertSqlSafe(sql), args)
            .persistent(false)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sets `changed` (column, value) pairs on row `id` of `table`.
pub(super) async fn update_row(
    conn: &mut AnyConnection,
    table: &str,
    id: i64,
    changed: &[(&str, &Value)],
) -> Result<(), sqlx::Error> {
    let mut args = AnyArguments::default();
    let mut sets = Vec::with_capacity(changed.len());
    for (name, value) in changed {
        bind(&mut args, value)?;
        sets.push(format!("{name} = ${}", args.len()));
    }
    args.add(id).map_err(sqlx::Error::Encode)?;
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = ${}",
        sets.join(", "),
        args.len()
    );
    sqlx::query_with(AssertSqlSafe(sql), args)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The fields whose values differ, and the (column, new value) pairs to write.
pub(super) fn differences<'a>(
    columns: &'a [Column],
    stored: &[Value],
    wanted: &'a [Value],
) -> (Vec<String>, Vec<(&'a str, &'a Value)>) {
    let mut fields = Vec::new();
    let mut sets = Vec::new();
    for ((column, old), new) in columns.iter().zip(stored).zip(wanted) {
        if old != new {
            if !fields.iter().any(|f| f == column.field) {
                fields.push(column.field.to_string());
            }
            sets.push((column.name, new));
        }
    }
    (fields, sets)
}

/// `$first, $first+1, ...` for `count` placeholders.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
