//! The temporal function family: `date`, `localtime`, `time`, `localdatetime`, `datetime` and
//! `duration` with their namespaced forms (`date.truncate`, `datetime.fromepoch`,
//! `date.statement`, `duration.between`, `duration.inMonths`, ...), and component access
//! (`d.year`) for the evaluator.
//!
//! Arguments arrive evaluated; maps are read into [`Fields`] or a duration
//! [`Accumulator`](crate::graph::temporal::Accumulator) and the calendar work is done by
//! [`crate::graph::temporal`]. Its errors become `ArgumentError`s here: `InvalidArgumentValue`
//! for bad text or fields, `NumberOutOfRange` for values beyond the supported range.

use crate::graph::temporal::{self, Accumulator, Between, ComponentValue, Fields, Zone};
use crate::graph::{GraphError, Temporal, Value};

use super::{argument_error, type_error};
use crate::query::error::QueryError;

/// The constructor names.
const KINDS: [&str; 5] = ["date", "localtime", "time", "localdatetime", "datetime"];

/// The allowed number of arguments of temporal function `name` (lower-cased), or `None` when
/// it is not one.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    if KINDS.contains(&name) {
        return Some((0, 1));
    }
    if name == "duration" {
        return Some((1, 1));
    }
    let (kind, op) = name.split_once('.')?;
    if kind == "duration" {
        return matches!(op, "between" | "inmonths" | "indays" | "inseconds").then_some((2, 2));
    }
    if !KINDS.contains(&kind) {
        return None;
    }
    match op {
        "transaction" | "statement" | "realtime" => Some((0, 1)),
        "truncate" => Some((2, 3)),
        "fromepoch" if kind == "datetime" => Some((2, 2)),
        "fromepochmillis" if kind == "datetime" => Some((1, 1)),
        _ => None,
    }
}

/// Whether `name` (lower-cased) constructs a temporal from one argument: `date`, `localtime`,
/// `time`, `localdatetime`, `datetime` or `duration`.
pub fn is_constructor(name: &str) -> bool {
    KINDS.contains(&name) || name == "duration"
}

/// The query layer's view of a temporal error.
pub fn query_error(e: GraphError) -> QueryError {
    match e {
        GraphError::TemporalOverflow(m) => argument_error("NumberOutOfRange", m),
        other => argument_error("InvalidArgumentValue", other.to_string()),
    }
}

/// Calls temporal function `name` (lower-cased, known to [`arity`]).
///
/// # Errors
/// `TypeError` for arguments of the wrong type, `ArgumentError` for bad values.
pub fn call(name: &str, args: &[Value]) -> Result<Value, QueryError> {
    let a0 = args.first();
    let a1 = args.get(1);
    if KINDS.contains(&name) {
        return match a0 {
            None => now(name, None, false),
            Some(v) => construct(name, v),
        };
    }
    let (kind, op) = name.split_once('.').unwrap_or((name, ""));
    let temporal_arg = |v: Option<&Value>| -> Result<Option<Temporal>, QueryError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Temporal(t)) => Ok(Some((**t).clone())),
            Some(other) => Err(type_error(format!("{name}() expects a temporal value, found {}", other.type_name()))),
        }
    };
    match (kind, op) {
        ("duration", "") => match a0 {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(Value::String(s)) => Temporal::parse("duration", s).map(Value::from).map_err(query_error),
            Some(Value::Map(m)) => duration_from_map(m),
            Some(Value::Temporal(t)) if matches!(**t, Temporal::Duration(_)) => Ok(Value::Temporal(t.clone())),
            Some(other) => {
                Err(type_error(format!("duration() expects a string or a map, found {}", other.type_name())))
            }
        },
        ("duration", _) => {
            let (Some(a), Some(b)) = (temporal_arg(a0)?, temporal_arg(a1)?) else { return Ok(Value::Null) };
            let part = match op {
                "between" => Between::All,
                "inmonths" => Between::Months,
                "indays" => Between::Days,
                _ => Between::Seconds,
            };
            temporal::between(&a, &b, part).map(|d| Value::from(Temporal::Duration(d))).map_err(query_error)
        }
        (_, "transaction" | "statement" | "realtime") => match a0 {
            None => now(kind, None, op == "realtime"),
            Some(Value::Null) => Ok(Value::Null),
            Some(Value::String(z)) => now(kind, Some(z), op == "realtime"),
            Some(other) => Err(type_error(format!("{name}() expects a time zone string, found {}", other.type_name()))),
        },
        (_, "truncate") => {
            let unit = match a0 {
                Some(Value::String(u)) => u.to_lowercase(),
                Some(Value::Null) | None => return Ok(Value::Null),
                Some(other) => {
                    return Err(type_error(format!("{name}() expects a unit string, found {}", other.type_name())))
                }
            };
            let Some(t) = temporal_arg(a1)? else { return Ok(Value::Null) };
            let (date, time, zone) = t.truncate(&unit).map_err(query_error)?;
            let mut fields = Fields { base_date: date, ..Fields::default() };
            if let Some(time) = time {
                fields.base_time = Some((time, None, date));
            }
            match args.get(2) {
                None | Some(Value::Null) => {}
                Some(Value::Map(m)) => read_fields(name, m, &mut fields)?,
                Some(other) => {
                    return Err(type_error(format!("{name}() expects a map of fields, found {}", other.type_name())))
                }
            }
            let default = zone.unwrap_or(Zone::Offset(jiff::tz::Offset::UTC));
            fields.build(kind, &default).map(Value::from).map_err(query_error)
        }
        ("datetime", "fromepoch") => {
            let (Some(s), Some(n)) = (int_arg(name, a0)?, int_arg(name, a1)?) else { return Ok(Value::Null) };
            temporal::from_epoch(s, n).map(Value::from).map_err(query_error)
        }
        ("datetime", "fromepochmillis") => {
            let Some(ms) = int_arg(name, a0)? else { return Ok(Value::Null) };
            temporal::from_epoch(ms.div_euclid(1000), ms.rem_euclid(1000) * 1_000_000)
                .map(Value::from)
                .map_err(query_error)
        }
        _ => Err(argument_error("InvalidArgumentValue", format!("unknown temporal function '{name}'"))),
    }
}

fn int_arg(name: &str, v: Option<&Value>) -> Result<Option<i64>, QueryError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(other) => Err(type_error(format!("{name}() expects integers, found {}", other.type_name()))),
    }
}

fn zone_of(s: &str) -> Result<Zone, QueryError> {
    Zone::parse(s).map_err(query_error)
}

thread_local! {
    /// The statement's clock: `date()`, `datetime.statement()` and `.transaction()` read the
    /// same instant throughout one statement (a statement is its own transaction here).
    static STATEMENT_CLOCK: std::cell::Cell<Option<jiff::Timestamp>> = const { std::cell::Cell::new(None) };
}

/// Starts a statement: fixes the instant the statement's clock reads.
pub fn begin_statement() {
    STATEMENT_CLOCK.with(|c| c.set(Some(jiff::Timestamp::now())));
}

/// The current instant as `kind` in `zone` (UTC by default): the statement's clock, or the
/// real one for `.realtime`.
fn now(kind: &str, zone: Option<&str>, realtime: bool) -> Result<Value, QueryError> {
    let zone = match zone {
        Some(z) => zone_of(z)?,
        None => Zone::Offset(jiff::tz::Offset::UTC),
    };
    let at = if realtime { None } else { STATEMENT_CLOCK.with(std::cell::Cell::get) };
    temporal::now(kind, &zone, at.unwrap_or_else(jiff::Timestamp::now)).map(Value::from).map_err(query_error)
}

/// `date(x)`, `time(x)`, ...: from text, a map of fields, or another temporal.
fn construct(kind: &str, arg: &Value) -> Result<Value, QueryError> {
    let utc = Zone::Offset(jiff::tz::Offset::UTC);
    let mut fields = Fields::default();
    match arg {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => return Temporal::parse(kind, s).map(Value::from).map_err(query_error),
        Value::Temporal(t) => {
            if matches!(**t, Temporal::Duration(_)) {
                return Err(type_error(format!("{kind}() cannot convert a duration")));
            }
            set_base(kind, "datetime", t, &mut fields)?;
        }
        Value::Map(m) => {
            if m.keys().all(|k| k.eq_ignore_ascii_case("timezone")) {
                return match m.values().next() {
                    Some(Value::String(z)) => now(kind, Some(z), false),
                    _ => now(kind, None, false),
                };
            }
            read_fields(kind, m, &mut fields)?;
        }
        other => {
            return Err(type_error(format!(
                "{kind}() expects a string, a map or a temporal, found {}",
                other.type_name()
            )))
        }
    }
    fields.build(kind, &utc).map(Value::from).map_err(query_error)
}

/// Takes the date and/or time of `t` as the starting point, as map key `key` says (`date`,
/// `time` or `datetime`).
fn set_base(kind: &str, key: &str, t: &Temporal, fields: &mut Fields) -> Result<(), QueryError> {
    let (date, time, zone) = temporal::parts(t);
    if matches!(key, "date" | "datetime") {
        match date {
            Some(d) => fields.base_date = Some(d),
            None if key == "date" || matches!(kind, "date") => {
                return Err(type_error(format!("{kind}(): a {} has no date", t.type_name())))
            }
            None => {}
        }
    }
    if matches!(key, "time" | "datetime") {
        match time {
            Some(tm) => fields.base_time = Some((tm, zone, date)),
            None if key == "time" || matches!(kind, "time" | "localtime") => {
                return Err(type_error(format!("{kind}(): a {} has no time", t.type_name())))
            }
            None => {}
        }
    }
    Ok(())
}

fn read_fields(kind: &str, m: &crate::graph::PropertyMap, fields: &mut Fields) -> Result<(), QueryError> {
    // `date`, `time` and `datetime` first: explicit fields then override what they give.
    for (k, v) in m {
        let key = k.to_ascii_lowercase();
        if matches!(key.as_str(), "date" | "time" | "datetime") {
            match v {
                Value::Temporal(t) if !matches!(**t, Temporal::Duration(_)) => set_base(kind, &key, t, fields)?,
                Value::Null => {}
                other => {
                    return Err(type_error(format!(
                        "{kind}(): '{k}' must be a temporal value, found {}",
                        other.type_name()
                    )))
                }
            }
        }
    }
    for (k, v) in m {
        let key = k.to_ascii_lowercase();
        if matches!(key.as_str(), "date" | "time" | "datetime") {
            continue;
        }
        if key == "timezone" {
            match v {
                Value::String(z) => fields.timezone = Some(zone_of(z)?),
                Value::Null => {}
                other => {
                    return Err(type_error(format!(
                        "{kind}(): 'timezone' must be a string, found {}",
                        other.type_name()
                    )))
                }
            }
            continue;
        }
        let slot = match key.as_str() {
            "year" => &mut fields.year,
            "quarter" => &mut fields.quarter,
            "month" => &mut fields.month,
            "week" => &mut fields.week,
            "dayofweek" => &mut fields.day_of_week,
            "day" => &mut fields.day,
            "ordinalday" => &mut fields.ordinal_day,
            "dayofquarter" => &mut fields.day_of_quarter,
            "hour" => &mut fields.hour,
            "minute" => &mut fields.minute,
            "second" => &mut fields.second,
            "millisecond" => &mut fields.millisecond,
            "microsecond" => &mut fields.microsecond,
            "nanosecond" => &mut fields.nanosecond,
            _ => return Err(argument_error("InvalidArgumentValue", format!("{kind}() has no field '{k}'"))),
        };
        *slot = match v {
            Value::Int(i) => Some(*i),
            Value::Null => None,
            other => {
                return Err(type_error(format!("{kind}(): '{k}' must be an integer, found {}", other.type_name())))
            }
        };
    }
    Ok(())
}

fn duration_from_map(m: &crate::graph::PropertyMap) -> Result<Value, QueryError> {
    let mut acc = Accumulator::default();
    for (k, v) in m {
        let key = k.to_ascii_lowercase();
        match v {
            Value::Int(i) => acc.add_int(&key, *i),
            Value::Float(f) => acc.add_float(&key, *f),
            Value::Null => Ok(()),
            other => {
                return Err(type_error(format!("duration(): '{k}' must be a number, found {}", other.type_name())))
            }
        }
        .map_err(query_error)?;
    }
    acc.finish().map(|d| Value::from(Temporal::Duration(d))).map_err(query_error)
}

/// Component `key` of a temporal (`d.year`, `dt.timezone`, `dur.days`).
///
/// # Errors
/// An `ArgumentError` when this kind has no such component.
pub fn component(t: &Temporal, key: &str) -> Result<Value, QueryError> {
    match temporal::component(t, &key.to_ascii_lowercase()) {
        Some(ComponentValue::Int(i)) => Ok(Value::Int(i)),
        Some(ComponentValue::Str(s)) => Ok(Value::String(s)),
        None => Err(argument_error(
            "InvalidArgumentValue",
            format!("a {} has no component '{key}'", t.type_name().to_lowercase()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyMap;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<PropertyMap>())
    }

    #[test]
    fn constructs_from_maps() {
        let d = call("date", &[map(&[("year", 1984.into()), ("week", 10.into()), ("dayOfWeek", 3.into())])]).unwrap();
        assert_eq!(d.to_string(), "1984-03-07");
        let dt = call(
            "datetime",
            &[map(&[
                ("year", 1984.into()),
                ("month", 10.into()),
                ("day", 11.into()),
                ("hour", 12.into()),
                ("timezone", "Europe/Stockholm".into()),
            ])],
        )
        .unwrap();
        assert_eq!(dt.to_string(), "1984-10-11T12:00+01:00[Europe/Stockholm]");
        let dur = call("duration", &[map(&[("years", Value::Float(12.5)), ("days", Value::Float(14.5))])]).unwrap();
        assert_eq!(dur.to_string(), "P12Y6M14DT12H");
    }

    #[test]
    fn bad_input_is_an_argument_or_type_error_never_a_panic() {
        use crate::query::error::ErrorKind;
        use rand::{Rng, SeedableRng};
        let keys = [
            "year",
            "month",
            "day",
            "week",
            "dayOfWeek",
            "ordinalDay",
            "quarter",
            "dayOfQuarter",
            "hour",
            "minute",
            "second",
            "millisecond",
            "microsecond",
            "nanosecond",
            "timezone",
            "years",
            "months",
            "days",
            "seconds",
            "nanoseconds",
            "date",
            "time",
        ];
        let ints = [i64::MIN, -1_000_000_000, -1, 0, 1, 12, 31, 53, 60, 366, 1000, 1_000_000_000, i64::MAX];
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        let base = call("datetime", &[Value::from("2015-07-21T21:40:32.142+02:00[Europe/Stockholm]")]).unwrap();
        for _ in 0..20_000 {
            let n = rng.random_range(0..5);
            let entries: Vec<(&str, Value)> = (0..n)
                .map(|_| {
                    let k = keys[rng.random_range(0..keys.len())];
                    let v = match rng.random_range(0..6) {
                        0 => Value::Float(rng.random_range(-1e20..1e20)),
                        1 => Value::from(["Z", "+25:00", "Mars/Base", "-01:30"][rng.random_range(0..4)]),
                        2 => base.clone(),
                        _ => Value::Int(ints[rng.random_range(0..ints.len())]),
                    };
                    (k, v)
                })
                .collect();
            let m = map(&entries);
            for f in ["date", "localtime", "time", "localdatetime", "datetime", "duration"] {
                if let Err(e) = call(f, std::slice::from_ref(&m)) {
                    assert!(matches!(e.kind, ErrorKind::ArgumentError | ErrorKind::TypeError), "{f}({m}): {e}");
                }
            }
            let unit = ["year", "week", "day", "hour", "decade", "bogus"][rng.random_range(0..6)];
            let _ = call("datetime.truncate", &[Value::from(unit), base.clone(), m]);
        }
    }
}
