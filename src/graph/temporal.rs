//! Temporal values with openCypher's semantics: [`Temporal`] holds a `Date`, `LocalTime`,
//! `Time` (with an offset), `LocalDateTime`, `DateTime` (with an offset or a named zone such as
//! `Europe/Stockholm`) or a [`Duration`] (months, days, seconds and nanoseconds, kept apart as
//! Cypher keeps them).
//!
//! This module owns the calendar rules kgraph needs beyond what `jiff` gives (which supplies the
//! proleptic Gregorian calendar, ISO week dates and the bundled time-zone database): the ISO 8601
//! text forms Cypher reads and writes ([`Temporal::parse`], `Display`), construction from named
//! fields ([`Fields`]), components (`d.year`, `dt.epochSeconds`), arithmetic with durations,
//! `duration.between`, truncation, and comparison. It knows nothing of queries: the query layer
//! turns maps and function names into calls here, and [`GraphError::InvalidTemporal`] /
//! [`GraphError::TemporalOverflow`] into its own error kinds. Years are limited to -9999..=9999.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};

use jiff::civil::{Date, DateTime, ISOWeekDate, Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Span, Timestamp, Zoned};

use super::error::GraphError;

/// A result of temporal work.
pub type TemporalResult<T> = Result<T, GraphError>;

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_DAY: i128 = SECONDS_PER_DAY as i128 * NANOS_PER_SECOND;
/// The average Gregorian month (365.2425 / 12 days), used to spread fractional months.
const AVG_DAYS_PER_MONTH: f64 = 30.436875;

fn invalid<T>(message: impl Into<String>) -> TemporalResult<T> {
    Err(GraphError::InvalidTemporal(message.into()))
}

fn overflow(what: &str) -> GraphError {
    GraphError::TemporalOverflow(format!("{what} is out of the supported range"))
}

/// A temporal value.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Temporal {
    /// A calendar date, `2024-09-17`.
    Date(Date),
    /// A time of day without offset, `12:31:14.645`.
    LocalTime(Time),
    /// A time of day with an offset from UTC, `12:31:14+01:00`.
    Time(Time, Offset),
    /// A date and time without zone, `2024-09-17T05:00`.
    LocalDateTime(DateTime),
    /// An instant in a zone: a fixed offset or a named zone.
    DateTime(Zoned),
    /// An amount of time.
    Duration(Duration),
}

/// An openCypher duration: months, days and time kept apart (a month is not a fixed number of
/// days, nor a day of seconds across daylight saving changes). `nanos` is in `0..1e9`; the
/// time part is `seconds + nanos / 1e9`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Duration {
    /// Whole months (a year is 12).
    pub months: i64,
    /// Whole days.
    pub days: i64,
    /// Seconds, rounded down.
    pub seconds: i64,
    /// Nanoseconds past `seconds`, `0..1_000_000_000`.
    pub nanos: i32,
}

impl Duration {
    /// A duration from months, days and a time part in nanoseconds.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] when the seconds do not fit in 64 bits.
    pub fn new(months: i64, days: i64, nanos: i128) -> TemporalResult<Duration> {
        let seconds = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).map_err(|_| overflow("a duration"))?;
        Ok(Duration { months, days, seconds, nanos: nanos.rem_euclid(NANOS_PER_SECOND) as i32 })
    }

    /// The time part in nanoseconds.
    pub fn time_nanos(&self) -> i128 {
        i128::from(self.seconds) * NANOS_PER_SECOND + i128::from(self.nanos)
    }

    /// A duration from fractional amounts: fractions of a month spill into days (at the average
    /// month length), fractions of a day into seconds, fractions of a second into nanoseconds.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] for amounts beyond 64 bits or not finite.
    pub fn approximate(months: f64, days: f64, seconds: f64, nanos: f64) -> TemporalResult<Duration> {
        let m = months.trunc();
        let days = days + (months - m) * AVG_DAYS_PER_MONTH;
        let d = days.trunc();
        let seconds = seconds + (days - d) * SECONDS_PER_DAY as f64;
        let s = seconds.trunc();
        let nanos = nanos + (seconds - s) * 1e9;
        let n = round_nanos(nanos);
        let fits = |x: f64| x.is_finite() && x.abs() < 9.2e18;
        if !(fits(m) && fits(d) && fits(s) && fits(n)) {
            return Err(overflow("a duration"));
        }
        Duration::new(m as i64, d as i64, i128::from(s as i64) * NANOS_PER_SECOND + n as i128)
    }

    /// The sum (`sign` 1) or difference (`sign` -1) of two durations.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] when a component overflows.
    pub fn plus(&self, other: &Duration, sign: i64) -> TemporalResult<Duration> {
        let months = other.months.checked_mul(sign).and_then(|m| self.months.checked_add(m));
        let days = other.days.checked_mul(sign).and_then(|d| self.days.checked_add(d));
        let (Some(months), Some(days)) = (months, days) else { return Err(overflow("a duration")) };
        Duration::new(months, days, self.time_nanos() + i128::from(sign) * other.time_nanos())
    }

    /// This duration times an integer.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] when a component overflows.
    pub fn times_int(&self, k: i64) -> TemporalResult<Duration> {
        let months = self.months.checked_mul(k).ok_or_else(|| overflow("a duration"))?;
        let days = self.days.checked_mul(k).ok_or_else(|| overflow("a duration"))?;
        let nanos = self.time_nanos().checked_mul(i128::from(k)).ok_or_else(|| overflow("a duration"))?;
        Duration::new(months, days, nanos)
    }

    /// This duration times a float (`divide`: divided by it), fractions spilling down.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for division by zero, overflow otherwise.
    pub fn scale(&self, f: f64, divide: bool) -> TemporalResult<Duration> {
        if divide && f == 0.0 {
            return invalid("a duration cannot be divided by zero");
        }
        let k = |x: f64| if divide { x / f } else { x * f };
        Duration::approximate(
            k(self.months as f64),
            k(self.days as f64),
            k(self.seconds as f64),
            k(f64::from(self.nanos)),
        )
    }
}

/// Nanoseconds from a float: rounded when within float noise of a whole number (so `0.545 s`
/// gives 545000000 ns), else truncated toward zero as Cypher does.
fn round_nanos(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < 1e-3 {
        r
    } else {
        x.trunc()
    }
}

// ----- the parts of a temporal ----------------------------------------------------------------

/// A time zone as written: a fixed offset, or a named zone.
#[derive(Clone, Debug)]
pub enum Zone {
    /// `+01:00`, `Z`.
    Offset(Offset),
    /// `Europe/Stockholm`.
    Named(TimeZone),
}

impl Zone {
    /// Parses `Z`, `+01:00`, `+0100`, `+01`, `+01:00:30` or a zone name.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for anything else or an unknown zone name.
    pub fn parse(s: &str) -> TemporalResult<Zone> {
        if s.starts_with(['+', '-', 'Z']) {
            let mut c = Cursor::new(s);
            let o = c.offset()?.ok_or_else(|| GraphError::InvalidTemporal(format!("invalid time zone '{s}'")))?;
            c.end("time zone")?;
            return Ok(Zone::Offset(o));
        }
        match TimeZone::get(s) {
            Ok(tz) => Ok(Zone::Named(tz)),
            Err(_) => invalid(format!("unknown time zone '{s}'")),
        }
    }

    fn tz(&self) -> TimeZone {
        match self {
            Zone::Offset(o) => TimeZone::fixed(*o),
            Zone::Named(tz) => tz.clone(),
        }
    }
}

/// The name of a named zone; `None` for fixed offsets, UTC included (jiff calls the zero offset
/// `UTC`, but Cypher writes it `Z`).
fn zone_name(tz: &TimeZone) -> Option<&str> {
    tz.iana_name().filter(|n| *n != "UTC")
}

/// Makes a zoned date-time from local parts.
///
/// # Errors
/// [`GraphError::TemporalOverflow`] when the instant is out of range.
pub fn zoned(dt: DateTime, zone: &Zone) -> TemporalResult<Zoned> {
    zone.tz().to_ambiguous_zoned(dt).compatible().map_err(|_| overflow("a date-time"))
}

impl Temporal {
    /// The openCypher type name: `DATE`, `LOCAL TIME`, `ZONED TIME`, `LOCAL DATETIME`,
    /// `ZONED DATETIME` or `DURATION`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "DATE",
            Temporal::LocalTime(_) => "LOCAL TIME",
            Temporal::Time(..) => "ZONED TIME",
            Temporal::LocalDateTime(_) => "LOCAL DATETIME",
            Temporal::DateTime(_) => "ZONED DATETIME",
            Temporal::Duration(_) => "DURATION",
        }
    }

    /// The constructor function that reads this value back from its string: `date`, `time`, ...
    pub fn function_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "date",
            Temporal::LocalTime(_) => "localtime",
            Temporal::Time(..) => "time",
            Temporal::LocalDateTime(_) => "localdatetime",
            Temporal::DateTime(_) => "datetime",
            Temporal::Duration(_) => "duration",
        }
    }

    /// The date part, if this kind has one.
    pub fn date(&self) -> Option<Date> {
        match self {
            Temporal::Date(d) => Some(*d),
            Temporal::LocalDateTime(dt) => Some(dt.date()),
            Temporal::DateTime(z) => Some(z.date()),
            _ => None,
        }
    }

    /// The time-of-day part, if this kind has one.
    pub fn time(&self) -> Option<Time> {
        match self {
            Temporal::LocalTime(t) | Temporal::Time(t, _) => Some(*t),
            Temporal::LocalDateTime(dt) => Some(dt.time()),
            Temporal::DateTime(z) => Some(z.time()),
            _ => None,
        }
    }

    /// The zone, if this kind has one.
    pub fn zone(&self) -> Option<Zone> {
        match self {
            Temporal::Time(_, o) => Some(Zone::Offset(*o)),
            Temporal::DateTime(z) => Some(match zone_name(z.time_zone()) {
                Some(_) => Zone::Named(z.time_zone().clone()),
                None => Zone::Offset(z.offset()),
            }),
            _ => None,
        }
    }

    fn offset(&self) -> Option<Offset> {
        match self {
            Temporal::Time(_, o) => Some(*o),
            Temporal::DateTime(z) => Some(z.offset()),
            _ => None,
        }
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Temporal::DateTime(_) => 0,
            Temporal::LocalDateTime(_) => 1,
            Temporal::Date(_) => 2,
            Temporal::Time(..) => 3,
            Temporal::LocalTime(_) => 4,
            Temporal::Duration(_) => 5,
        }
    }

    /// Cypher's `=` between temporals: same kind and same value (date-times and times with an
    /// offset: the same instant and offset; durations: the same components).
    pub fn equals(&self, other: &Temporal) -> bool {
        use Temporal as T;
        match (self, other) {
            (T::Date(a), T::Date(b)) => a == b,
            (T::LocalTime(a), T::LocalTime(b)) => a == b,
            (T::Time(a, oa), T::Time(b, ob)) => a == b && oa == ob,
            (T::LocalDateTime(a), T::LocalDateTime(b)) => a == b,
            (T::DateTime(a), T::DateTime(b)) => a.timestamp() == b.timestamp() && a.offset() == b.offset(),
            (T::Duration(a), T::Duration(b)) => a == b,
            _ => false,
        }
    }

    /// Cypher's `<`: chronological order within one kind; `None` across kinds and for durations.
    pub fn compare(&self, other: &Temporal) -> Option<Ordering> {
        use Temporal as T;
        match (self, other) {
            (T::Date(a), T::Date(b)) => Some(a.cmp(b)),
            (T::LocalTime(a), T::LocalTime(b)) => Some(a.cmp(b)),
            (T::Time(a, oa), T::Time(b, ob)) => Some(utc_nanos(*a, *oa).cmp(&utc_nanos(*b, *ob))),
            (T::LocalDateTime(a), T::LocalDateTime(b)) => Some(a.cmp(b)),
            (T::DateTime(a), T::DateTime(b)) => Some(a.timestamp().cmp(&b.timestamp())),
            _ => None,
        }
    }

    /// The total order of `ORDER BY` among temporals: date-times, local date-times, dates, times,
    /// local times, durations; chronological within a kind, durations by their components.
    pub fn order(&self, other: &Temporal) -> Ordering {
        match (self, other) {
            (Temporal::Duration(a), Temporal::Duration(b)) => {
                (a.months, a.days, a.seconds, a.nanos).cmp(&(b.months, b.days, b.seconds, b.nanos))
            }
            _ => self.kind_rank().cmp(&other.kind_rank()).then_with(|| {
                self.compare(other).unwrap_or(Ordering::Equal).then_with(|| match (self.offset(), other.offset()) {
                    (Some(a), Some(b)) => b.cmp(&a),
                    _ => Ordering::Equal,
                })
            }),
        }
    }
}

/// Nanoseconds of the day at UTC (may fall outside one day).
fn utc_nanos(t: Time, o: Offset) -> i128 {
    nanos_of_day(t) - i128::from(o.seconds()) * NANOS_PER_SECOND
}

/// Nanoseconds since midnight.
pub fn nanos_of_day(t: Time) -> i128 {
    i128::from(t.hour()) * 3_600 * NANOS_PER_SECOND
        + i128::from(t.minute()) * 60 * NANOS_PER_SECOND
        + i128::from(t.second()) * NANOS_PER_SECOND
        + i128::from(t.subsec_nanosecond())
}

/// The time at `n` nanoseconds after midnight, wrapping around the day.
fn time_of_nanos(n: i128) -> Time {
    let n = n.rem_euclid(NANOS_PER_DAY);
    let s = (n / NANOS_PER_SECOND) as i64;
    Time::new((s / 3600) as i8, (s / 60 % 60) as i8, (s % 60) as i8, (n % NANOS_PER_SECOND) as i32)
        .unwrap_or(Time::midnight())
}

impl PartialEq for Temporal {
    fn eq(&self, other: &Temporal) -> bool {
        self.equals(other)
    }
}

impl Eq for Temporal {}

impl Hash for Temporal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind_rank().hash(state);
        match self {
            Temporal::Date(d) => d.hash(state),
            Temporal::LocalTime(t) => t.hash(state),
            Temporal::Time(t, o) => (t, o.seconds()).hash(state),
            Temporal::LocalDateTime(dt) => dt.hash(state),
            Temporal::DateTime(z) => (z.timestamp(), z.offset().seconds()).hash(state),
            Temporal::Duration(d) => d.hash(state),
        }
    }
}

// ----- text ----------------------------------------------------------------------------------

fn write_date(f: &mut impl fmt::Write, d: Date) -> fmt::Result {
    let y = d.year();
    if (0..=9999).contains(&y) {
        write!(f, "{y:04}")?;
    } else if y < 0 {
        write!(f, "-{:04}", -i32::from(y))?;
    } else {
        write!(f, "+{y}")?;
    }
    write!(f, "-{:02}-{:02}", d.month(), d.day())
}

fn write_time(f: &mut impl fmt::Write, t: Time) -> fmt::Result {
    write!(f, "{:02}:{:02}", t.hour(), t.minute())?;
    let n = t.subsec_nanosecond();
    if t.second() != 0 || n != 0 {
        write!(f, ":{:02}", t.second())?;
    }
    if n != 0 {
        if n % 1_000_000 == 0 {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n % 1000 == 0 {
            write!(f, ".{:06}", n / 1000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
    }
    Ok(())
}

/// Writes an offset as Cypher does: `Z`, `+01:00`, `-00:53:28`.
pub fn write_offset(f: &mut impl fmt::Write, o: Offset) -> fmt::Result {
    let s = o.seconds();
    if s == 0 {
        return f.write_char('Z');
    }
    let a = s.unsigned_abs();
    write!(f, "{}{:02}:{:02}", if s < 0 { '-' } else { '+' }, a / 3600, a / 60 % 60)?;
    if !a.is_multiple_of(60) {
        write!(f, ":{:02}", a % 60)?;
    }
    Ok(())
}

fn offset_string(o: Offset) -> String {
    let mut s = String::new();
    let _ = write_offset(&mut s, o);
    s
}

fn write_duration(f: &mut impl fmt::Write, d: &Duration) -> fmt::Result {
    f.write_char('P')?;
    let (y, m) = (d.months / 12, d.months % 12);
    for (v, u) in [(y, 'Y'), (m, 'M'), (d.days, 'D')] {
        if v != 0 {
            write!(f, "{v}{u}")?;
        }
    }
    let t = d.time_nanos();
    if t != 0 {
        f.write_char('T')?;
        let neg = t < 0;
        let a = t.unsigned_abs();
        let secs = a / NANOS_PER_SECOND as u128;
        let frac = (a % NANOS_PER_SECOND as u128) as u32;
        let sign = if neg { "-" } else { "" };
        let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h != 0 {
            write!(f, "{sign}{h}H")?;
        }
        if mi != 0 {
            write!(f, "{sign}{mi}M")?;
        }
        if s != 0 || frac != 0 {
            write!(f, "{sign}{s}")?;
            if frac != 0 {
                let digits = format!("{frac:09}");
                write!(f, ".{}", digits.trim_end_matches('0'))?;
            }
            f.write_char('S')?;
        }
    } else if d.months == 0 && d.days == 0 {
        f.write_str("T0S")?;
    }
    Ok(())
}

/// The ISO 8601 form Cypher's `toString` writes: `2024-09-17`, `12:31:14.645+01:00`,
/// `2024-09-17T05:00Z`, `1984-10-11T12:00+01:00[Europe/Stockholm]`, `P1Y2M3DT4H`.
impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Temporal::Date(d) => write_date(f, *d),
            Temporal::LocalTime(t) => write_time(f, *t),
            Temporal::Time(t, o) => {
                write_time(f, *t)?;
                write_offset(f, *o)
            }
            Temporal::LocalDateTime(dt) => {
                write_date(f, dt.date())?;
                f.write_char('T')?;
                write_time(f, dt.time())
            }
            Temporal::DateTime(z) => {
                write_date(f, z.date())?;
                f.write_char('T')?;
                write_time(f, z.time())?;
                write_offset(f, z.offset())?;
                if let Some(name) = zone_name(z.time_zone()) {
                    write!(f, "[{name}]")?;
                }
                Ok(())
            }
            Temporal::Duration(d) => write_duration(f, d),
        }
    }
}

/// A small reader over temporal text.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn digits_ahead(&self) -> usize {
        self.s.as_bytes()[self.pos..].iter().take_while(|b| b.is_ascii_digit()).count()
    }

    /// Exactly `n` digits as a number.
    fn fixed(&mut self, n: usize, what: &str) -> TemporalResult<i64> {
        if self.digits_ahead() < n {
            return invalid(format!("expected {n} digits for the {what} in '{}'", self.s));
        }
        let v = self.s[self.pos..self.pos + n].parse::<i64>().unwrap_or(0);
        self.pos += n;
        Ok(v)
    }

    fn end(&self, what: &str) -> TemporalResult<()> {
        if self.pos == self.s.len() {
            Ok(())
        } else {
            invalid(format!("unexpected '{}' in {what} '{}'", &self.s[self.pos..], self.s))
        }
    }

    /// A fraction after `.` or `,`: up to 9 digits as nanoseconds.
    fn fraction(&mut self) -> TemporalResult<i32> {
        if !(self.eat(b'.') || self.eat(b',')) {
            return Ok(0);
        }
        let n = self.digits_ahead();
        if n == 0 || n > 9 {
            return invalid(format!("expected 1 to 9 fraction digits in '{}'", self.s));
        }
        let digits = &self.s[self.pos..self.pos + n];
        self.pos += n;
        Ok(format!("{digits:0<9}").parse::<i32>().unwrap_or(0))
    }

    /// Whether another date field follows: digits, after a `-` when the date uses dashes (the
    /// `-` is consumed). A `T` or the end means the date is complete.
    fn more_digits(&mut self, dash: bool) -> bool {
        if dash {
            if self.peek() == Some(b'-') {
                self.pos += 1;
                return true;
            }
            return false;
        }
        self.digits_ahead() > 0
    }

    fn date(&mut self) -> TemporalResult<Date> {
        let year = match self.peek() {
            Some(b'+' | b'-') => {
                let neg = self.peek() == Some(b'-');
                self.pos += 1;
                let n = self.digits_ahead();
                if n == 0 || n > 9 {
                    return invalid(format!("invalid year in '{}'", self.s));
                }
                let y = self.fixed(n, "year")?;
                if neg {
                    -y
                } else {
                    y
                }
            }
            _ => self.fixed(4, "year")?,
        };
        let dash = self.eat(b'-');
        if self.eat(b'W') {
            let week = self.fixed(2, "week")?;
            let dow = if self.more_digits(dash) { self.fixed(1, "day of week")? } else { 1 };
            return week_date(year, week, dow);
        }
        let n = self.digits_ahead();
        if n == 0 && !dash {
            return ymd(year, 1, 1);
        }
        if n == 3 {
            return ordinal_date(year, self.fixed(3, "day of year")?);
        }
        let month = self.fixed(2, "month")?;
        let day = if self.more_digits(dash) { self.fixed(2, "day")? } else { 1 };
        ymd(year, month, day)
    }

    fn time(&mut self) -> TemporalResult<Time> {
        let hour = self.fixed(2, "hour")?;
        let (mut minute, mut second, mut nanos) = (0, 0, 0);
        let colon = self.eat(b':');
        if colon || self.digits_ahead() >= 2 {
            minute = self.fixed(2, "minute")?;
            if (colon && self.eat(b':')) || (!colon && self.digits_ahead() >= 2) {
                second = self.fixed(2, "second")?;
                nanos = self.fraction()?;
            }
        }
        hms(hour, minute, second, i64::from(nanos))
    }

    /// An offset (`Z`, `+01:00`, `+0100`, `+01`, `+01:00:30`), or `None` if none starts here.
    fn offset(&mut self) -> TemporalResult<Option<Offset>> {
        let sign = match self.peek() {
            Some(b'Z') => {
                self.pos += 1;
                return Ok(Some(Offset::UTC));
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Ok(None),
        };
        self.pos += 1;
        let h = self.fixed(2, "offset hours")?;
        let mut m = 0;
        let mut s = 0;
        let colon = self.eat(b':');
        if colon || self.digits_ahead() >= 2 {
            m = self.fixed(2, "offset minutes")?;
            if (colon && self.eat(b':')) || (!colon && self.digits_ahead() >= 2) {
                s = self.fixed(2, "offset seconds")?;
            }
        }
        if h > 18 || m > 59 || s > 59 || h * 3600 + m * 60 + s > 18 * 3600 {
            return invalid(format!("offset out of range in '{}'", self.s));
        }
        Offset::from_seconds((sign * (h * 3600 + m * 60 + s)) as i32)
            .map(Some)
            .or_else(|_| invalid("offset out of range"))
    }

    /// An offset and/or a bracketed zone name after a time.
    fn zone(&mut self) -> TemporalResult<Option<(Option<Offset>, Option<TimeZone>)>> {
        let offset = self.offset()?;
        let mut named = None;
        if self.eat(b'[') {
            let Some(close) = self.s[self.pos..].find(']') else {
                return invalid(format!("unclosed time zone name in '{}'", self.s));
            };
            let name = &self.s[self.pos..self.pos + close];
            self.pos += close + 1;
            named = Some(match Zone::parse(name)? {
                Zone::Named(tz) => tz,
                Zone::Offset(o) => TimeZone::fixed(o),
            });
        }
        Ok((offset.is_some() || named.is_some()).then_some((offset, named)))
    }
}

fn small<T: TryFrom<i64>>(v: i64, what: &str) -> TemporalResult<T> {
    T::try_from(v).or_else(|_| invalid(format!("invalid value for {what}: {v}")))
}

/// The date `year-month-day`.
///
/// # Errors
/// [`GraphError::InvalidTemporal`] for a date that does not exist or a year beyond ±9999.
pub fn ymd(year: i64, month: i64, day: i64) -> TemporalResult<Date> {
    if !(-9999..=9999).contains(&year) {
        return Err(overflow(&format!("year {year}")));
    }
    Date::new(small(year, "year")?, small(month, "month")?, small(day, "day")?)
        .or_else(|_| invalid(format!("invalid date: year {year}, month {month}, day {day}")))
}

fn week_date(year: i64, week: i64, dow: i64) -> TemporalResult<Date> {
    if !(-9999..=9999).contains(&year) {
        return Err(overflow(&format!("year {year}")));
    }
    let wd = Weekday::from_monday_one_offset(small(dow, "dayOfWeek")?)
        .or_else(|_| invalid(format!("invalid value for dayOfWeek: {dow}")))?;
    ISOWeekDate::new(small(year, "year")?, small(week, "week")?, wd)
        .map(ISOWeekDate::date)
        .or_else(|_| invalid(format!("invalid week date: year {year}, week {week}, day {dow}")))
}

fn ordinal_date(year: i64, day: i64) -> TemporalResult<Date> {
    let first = ymd(year, 1, 1)?;
    let d = first.with().day_of_year(small(day, "ordinalDay")?).build();
    d.or_else(|_| invalid(format!("invalid value for ordinalDay: {day}")))
}

fn hms(hour: i64, minute: i64, second: i64, nanos: i64) -> TemporalResult<Time> {
    Time::new(small(hour, "hour")?, small(minute, "minute")?, small(second, "second")?, small(nanos, "nanosecond")?)
        .or_else(|_| {
            invalid(format!("invalid time: hour {hour}, minute {minute}, second {second}, nanosecond {nanos}"))
        })
}

/// Finishes a zoned value read from text: the offset as written wins when it is valid in the
/// named zone, else the zone decides (`[Europe/London]` alone).
fn zoned_from_text(dt: DateTime, offset: Option<Offset>, named: Option<TimeZone>) -> TemporalResult<Zoned> {
    match (offset, named) {
        (Some(o), Some(tz)) => {
            let ts = o.to_timestamp(dt).map_err(|_| overflow("a date-time"))?;
            Ok(ts.to_zoned(tz))
        }
        (Some(o), None) => zoned(dt, &Zone::Offset(o)),
        (None, Some(tz)) => zoned(dt, &Zone::Named(tz)),
        (None, None) => zoned(dt, &Zone::Offset(Offset::UTC)),
    }
}

impl Temporal {
    /// Parses the text form of kind `kind` (`date`, `localtime`, `time`, `localdatetime`,
    /// `datetime`, `duration`), in the ISO 8601 forms Cypher accepts: `2015-07-21`, `20150721`,
    /// `2015-W30-2`, `2015-202`, `21:40:32.142+0100`, `2015-07-21T21:40[Europe/London]`,
    /// `P1Y2M3DT4.5S`, `P2012-02-02T14:37:21.545`.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for text that is not of that kind,
    /// [`GraphError::TemporalOverflow`] for values out of range.
    pub fn parse(kind: &str, s: &str) -> TemporalResult<Temporal> {
        let mut c = Cursor::new(s.trim());
        let what = kind;
        let t = match kind {
            "date" => Temporal::Date(c.date()?),
            "localtime" => Temporal::LocalTime(c.time()?),
            "time" => {
                let t = c.time()?;
                let o = match c.zone()? {
                    Some((Some(o), _)) => o,
                    Some((None, Some(tz))) => tz.to_offset(Timestamp::now()),
                    _ => Offset::UTC,
                };
                Temporal::Time(t, o)
            }
            "localdatetime" | "datetime" => {
                let d = c.date()?;
                let t = if c.eat(b'T') { c.time()? } else { Time::midnight() };
                let dt = d.to_datetime(t);
                if kind == "localdatetime" {
                    Temporal::LocalDateTime(dt)
                } else {
                    let (o, tz) = c.zone()?.unwrap_or((None, None));
                    Temporal::DateTime(zoned_from_text(dt, o, tz)?)
                }
            }
            "duration" => return parse_duration(s.trim()).map(Temporal::Duration),
            _ => return invalid(format!("unknown temporal kind '{kind}'")),
        };
        c.end(what)?;
        Ok(t)
    }
}

fn parse_duration(s: &str) -> TemporalResult<Duration> {
    let bad = || GraphError::InvalidTemporal(format!("invalid duration '{s}'"));
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let body = body.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    if body.is_empty() {
        return Err(bad());
    }
    // The alternative form: P2012-02-02T14:37:21.545.
    if body.len() >= 10 && body.as_bytes()[4] == b'-' && body.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        let mut c = Cursor::new(body);
        let y = c.fixed(4, "years")?;
        c.eat(b'-');
        let mo = c.fixed(2, "months")?;
        c.eat(b'-');
        let d = c.fixed(2, "days")?;
        let mut nanos = 0i128;
        if c.eat(b'T') {
            let h = c.fixed(2, "hours")?;
            c.eat(b':');
            let mi = c.fixed(2, "minutes")?;
            c.eat(b':');
            let se = c.fixed(2, "seconds")?;
            let f = c.fraction()?;
            nanos = i128::from(h * 3600 + mi * 60 + se) * NANOS_PER_SECOND + i128::from(f);
        }
        c.end("duration")?;
        let sign = if neg { -1 } else { 1 };
        return Duration::new(sign * (y * 12 + mo), sign * d, i128::from(sign) * nanos);
    }
    let mut acc = Accumulator::default();
    let mut in_time = false;
    let mut rest = body;
    let mut last_rank = 0;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['T', 't']) {
            if in_time {
                return Err(bad());
            }
            in_time = true;
            rest = r;
            if rest.is_empty() {
                return Err(bad());
            }
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | ','))).ok_or_else(bad)?;
        let (num, unit) = (&rest[..end], rest[end..].chars().next().ok_or_else(bad)?);
        rest = &rest[end + unit.len_utf8()..];
        let (field, rank) = match (in_time, unit.to_ascii_uppercase()) {
            (false, 'Y') => ("years", 1),
            (false, 'M') => ("months", 2),
            (false, 'W') => ("weeks", 3),
            (false, 'D') => ("days", 4),
            (true, 'H') => ("hours", 5),
            (true, 'M') => ("minutes", 6),
            (true, 'S') => ("seconds", 7),
            _ => return Err(bad()),
        };
        if rank <= last_rank {
            return Err(bad());
        }
        last_rank = rank;
        let num = num.replace(',', ".");
        let (int_part, frac) = match num.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (num.as_str(), None),
        };
        let int: i64 = match int_part {
            "" | "-" | "+" if frac.is_some() => 0,
            i => i.parse().map_err(|_| bad())?,
        };
        let neg_part = int_part.starts_with('-');
        let frac_nanos: i64 = match frac {
            None => 0,
            Some(f) if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) => return Err(bad()),
            Some(f) => format!("{f:0<9}").parse().map_err(|_| bad())?,
        };
        let frac_nanos = if neg_part { -frac_nanos } else { frac_nanos };
        acc.add_int(field, int)?;
        if frac_nanos != 0 {
            if field == "seconds" {
                acc.nanos += i128::from(frac_nanos);
            } else {
                acc.add_float(field, frac_nanos as f64 / 1e9)?;
            }
        }
    }
    let d = acc.finish()?;
    if neg {
        Duration::default().plus(&d, -1)
    } else {
        Ok(d)
    }
}

/// Sums duration fields: whole amounts exactly, fractions as floats spilled down at the end.
#[derive(Default)]
pub struct Accumulator {
    months: i128,
    days: i128,
    nanos: i128,
    frac_months: f64,
    frac_days: f64,
    frac_seconds: f64,
}

impl Accumulator {
    /// Adds a whole amount of `field` (`years`, `quarters`, `months`, `weeks`, `days`, `hours`,
    /// `minutes`, `seconds`, `milliseconds`, `microseconds`, `nanoseconds`).
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for an unknown field.
    pub fn add_int(&mut self, field: &str, v: i64) -> TemporalResult<()> {
        let v = i128::from(v);
        match field {
            "years" => self.months += v * 12,
            "quarters" => self.months += v * 3,
            "months" => self.months += v,
            "weeks" => self.days += v * 7,
            "days" => self.days += v,
            "hours" => self.nanos += v * 3600 * NANOS_PER_SECOND,
            "minutes" => self.nanos += v * 60 * NANOS_PER_SECOND,
            "seconds" => self.nanos += v * NANOS_PER_SECOND,
            "milliseconds" => self.nanos += v * 1_000_000,
            "microseconds" => self.nanos += v * 1000,
            "nanoseconds" => self.nanos += v,
            other => return invalid(format!("no such duration field: '{other}'")),
        }
        Ok(())
    }

    /// Adds a fractional amount of `field`: the whole part exactly, the fraction spilled down.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for an unknown field, overflow for a huge or
    /// non-finite amount.
    pub fn add_float(&mut self, field: &str, v: f64) -> TemporalResult<()> {
        if !v.is_finite() || v.abs() > 9.2e18 {
            return Err(overflow("a duration"));
        }
        let whole = v.trunc();
        self.add_int(field, whole as i64)?;
        let f = v - whole;
        match field {
            "years" => self.frac_months += f * 12.0,
            "quarters" => self.frac_months += f * 3.0,
            "months" => self.frac_months += f,
            "weeks" => self.frac_days += f * 7.0,
            "days" => self.frac_days += f,
            "hours" => self.frac_seconds += f * 3600.0,
            "minutes" => self.frac_seconds += f * 60.0,
            "seconds" => self.frac_seconds += f,
            "milliseconds" => self.frac_seconds += f / 1e3,
            "microseconds" => self.frac_seconds += f / 1e6,
            _ => self.frac_seconds += f / 1e9,
        }
        Ok(())
    }

    /// The duration.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] when a component does not fit.
    pub fn finish(self) -> TemporalResult<Duration> {
        let spill = Duration::approximate(self.frac_months, self.frac_days, self.frac_seconds, 0.0)?;
        let months = i64::try_from(self.months + i128::from(spill.months)).map_err(|_| overflow("a duration"))?;
        let days = i64::try_from(self.days + i128::from(spill.days)).map_err(|_| overflow("a duration"))?;
        Duration::new(months, days, self.nanos + spill.time_nanos())
    }
}

// ----- construction from fields -------------------------------------------------------------

/// Named fields of a temporal constructor map (`{year: 2024, week: 3, timezone: 'Z'}`), already
/// checked to be integers; `None` when absent.
#[derive(Default, Debug)]
pub struct Fields {
    /// `year` (the week-based year when `week` is given).
    pub year: Option<i64>,
    /// `quarter`, 1..4.
    pub quarter: Option<i64>,
    /// `month`, 1..12.
    pub month: Option<i64>,
    /// `week`, 1..53.
    pub week: Option<i64>,
    /// `dayOfWeek`, 1 (Monday)..7.
    pub day_of_week: Option<i64>,
    /// `day`, day of month.
    pub day: Option<i64>,
    /// `ordinalDay`, day of year.
    pub ordinal_day: Option<i64>,
    /// `dayOfQuarter`.
    pub day_of_quarter: Option<i64>,
    /// `hour`.
    pub hour: Option<i64>,
    /// `minute`.
    pub minute: Option<i64>,
    /// `second`.
    pub second: Option<i64>,
    /// `millisecond`.
    pub millisecond: Option<i64>,
    /// `microsecond`.
    pub microsecond: Option<i64>,
    /// `nanosecond`.
    pub nanosecond: Option<i64>,
    /// `timezone`.
    pub timezone: Option<Zone>,
    /// The date to start from (`date:` or `datetime:` key).
    pub base_date: Option<Date>,
    /// The time to start from (`time:` or `datetime:` key), with its zone if it has one.
    pub base_time: Option<(Time, Option<Zone>, Option<Date>)>,
}

impl Fields {
    fn has_date_field(&self) -> bool {
        self.year.is_some()
            || self.quarter.is_some()
            || self.month.is_some()
            || self.week.is_some()
            || self.day_of_week.is_some()
            || self.day.is_some()
            || self.ordinal_day.is_some()
            || self.day_of_quarter.is_some()
    }

    fn has_time_field(&self) -> bool {
        self.hour.is_some()
            || self.minute.is_some()
            || self.second.is_some()
            || self.millisecond.is_some()
            || self.microsecond.is_some()
            || self.nanosecond.is_some()
    }

    /// The date the fields name, starting from `base_date` if any.
    fn date(&self) -> TemporalResult<Date> {
        let base = self.base_date;
        if self.week.is_some() || (self.day_of_week.is_some() && self.month.is_none() && self.day.is_none()) {
            let bw = base.map(Date::iso_week_date);
            let year = self.year.or(bw.map(|w| i64::from(w.year()))).ok_or_else(missing_year)?;
            let week = self.week.or(bw.map(|w| i64::from(w.week()))).unwrap_or(1);
            let dow = self.day_of_week.or(bw.map(|w| i64::from(w.weekday().to_monday_one_offset()))).unwrap_or(1);
            return week_date(year, week, dow);
        }
        let year = self.year.or(base.map(|d| i64::from(d.year()))).ok_or_else(missing_year)?;
        if let Some(od) = self.ordinal_day {
            return ordinal_date(year, od);
        }
        if self.quarter.is_some() || self.day_of_quarter.is_some() {
            let bq = base.map(|d| (i64::from(d.month()) - 1) / 3 + 1);
            let q = self.quarter.or(bq).unwrap_or(1);
            if !(1..=4).contains(&q) {
                return invalid(format!("invalid value for quarter: {q}"));
            }
            let first = ymd(year, (q - 1) * 3 + 1, 1)?;
            if let Some(dq) = self.day_of_quarter {
                let next = add_months(first, 3)?;
                let len = i64::from(first.until(next).map(|s| s.get_days()).unwrap_or(92));
                if !(1..=len).contains(&dq) {
                    return invalid(format!("invalid value for dayOfQuarter: {dq}"));
                }
                return add_days(first, dq - 1);
            }
            let (mq, day) = base.map_or((0, 1), |d| ((i64::from(d.month()) - 1) % 3, i64::from(d.day())));
            return ymd(year, (q - 1) * 3 + 1 + mq, self.day.unwrap_or(day));
        }
        let month = self.month.or(base.map(|d| i64::from(d.month()))).unwrap_or(1);
        let day = self.day.or(base.map(|d| i64::from(d.day()))).unwrap_or(1);
        ymd(year, month, day)
    }

    /// The time the fields name, starting from `time` (already converted to the target zone).
    fn time_from(&self, base: Option<Time>) -> TemporalResult<Time> {
        if self.hour.is_none() && (self.minute.is_some() || self.second.is_some()) && base.is_none() {
            return invalid("a time with minutes or seconds needs an hour");
        }
        let hour = self.hour.or(base.map(|t| i64::from(t.hour()))).unwrap_or(0);
        let minute = self.minute.or(base.map(|t| i64::from(t.minute()))).unwrap_or(0);
        let second = self.second.or(base.map(|t| i64::from(t.second()))).unwrap_or(0);
        let (ms, us, ns) = (self.millisecond, self.microsecond, self.nanosecond);
        let limit = |v: i64, hi: i64, what: &str| {
            if (0..hi).contains(&v) {
                Ok(v)
            } else {
                invalid(format!("invalid value for {what}: {v}"))
            }
        };
        let base_nanos = base.map_or(0, |t| i64::from(t.subsec_nanosecond()));
        let nanos = match (ms, us, ns) {
            (None, None, None) => base_nanos,
            // A finer field alone replaces only its own digits of the starting time
            // (`{nanosecond: 2}` on 12:31:14.645 is 12:31:14.645000002), unless it is too big
            // to be only those digits.
            (None, None, Some(ns)) if base.is_some() && (0..1000).contains(&ns) => base_nanos / 1000 * 1000 + ns,
            (None, Some(us), ns) if base.is_some() && (0..1000).contains(&us) => {
                base_nanos / 1_000_000 * 1_000_000 + us * 1000 + limit(ns.unwrap_or(0), 1000, "nanosecond")?
            }
            _ => {
                let ms = limit(ms.unwrap_or(0), 1000, "millisecond")?;
                let us =
                    limit(us.unwrap_or(0), if self.millisecond.is_some() { 1000 } else { 1_000_000 }, "microsecond")?;
                let ns_hi = if self.microsecond.is_some() {
                    1000
                } else if self.millisecond.is_some() {
                    1_000_000
                } else {
                    1_000_000_000
                };
                ms * 1_000_000 + us * 1000 + limit(ns.unwrap_or(0), ns_hi, "nanosecond")?
            }
        };
        hms(hour, minute, second, nanos)
    }

    /// Builds a temporal of kind `kind` from the fields; `default_zone` is the zone when none
    /// is given or inherited.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for missing or out-of-range fields.
    pub fn build(&self, kind: &str, default_zone: &Zone) -> TemporalResult<Temporal> {
        let has_base_time = self.base_time.is_some();
        // The base time converted to the requested zone, when both have a zone.
        let base_time_in = |target: &Zone, date: Option<Date>| -> TemporalResult<Option<Time>> {
            Ok(match &self.base_time {
                None => None,
                Some((t, None, _)) => Some(*t),
                Some((t, Some(z), bd)) => {
                    let day = date.or(*bd).unwrap_or(Date::constant(1970, 1, 1));
                    let from = zoned(day.to_datetime(*t), z)?;
                    Some(from.with_time_zone(target.tz()).time())
                }
            })
        };
        Ok(match kind {
            "date" => {
                if self.has_time_field() {
                    return invalid("date() does not take time fields");
                }
                Temporal::Date(self.date()?)
            }
            "localtime" => {
                if self.has_date_field() {
                    return invalid("localtime() does not take date fields");
                }
                if self.base_time.is_none() && self.hour.is_none() {
                    return invalid("localtime() needs an hour");
                }
                Temporal::LocalTime(self.time_from(self.base_time.as_ref().map(|b| b.0))?)
            }
            "time" => {
                if self.has_date_field() {
                    return invalid("time() does not take date fields");
                }
                if !has_base_time && self.hour.is_none() {
                    return invalid("time() needs an hour");
                }
                let zone = match (&self.timezone, &self.base_time) {
                    (Some(z), _) => z.clone(),
                    (None, Some((_, Some(z), _))) => z.clone(),
                    _ => default_zone.clone(),
                };
                let base = if self.timezone.is_some() {
                    base_time_in(&zone, None)?
                } else {
                    self.base_time.as_ref().map(|b| b.0)
                };
                let t = self.time_from(base)?;
                let o = match &zone {
                    Zone::Offset(o) => *o,
                    Zone::Named(tz) => tz.to_offset(Timestamp::now()),
                };
                Temporal::Time(t, o)
            }
            "localdatetime" => {
                let d = self.date()?;
                Temporal::LocalDateTime(d.to_datetime(self.time_from(self.base_time.as_ref().map(|b| b.0))?))
            }
            "datetime" => {
                let d = self.date()?;
                let zone = match (&self.timezone, &self.base_time) {
                    (Some(z), _) => z.clone(),
                    (None, Some((_, Some(z), _))) => z.clone(),
                    _ => default_zone.clone(),
                };
                let base = if self.timezone.is_some() {
                    base_time_in(&zone, Some(d))?
                } else {
                    self.base_time.as_ref().map(|b| b.0)
                };
                let t = self.time_from(base)?;
                Temporal::DateTime(zoned(d.to_datetime(t), &zone)?)
            }
            other => return invalid(format!("unknown temporal kind '{other}'")),
        })
    }
}

fn missing_year() -> GraphError {
    GraphError::InvalidTemporal("a date needs a year".to_string())
}

fn add_months(d: Date, months: i64) -> TemporalResult<Date> {
    let span = Span::new().try_months(months).map_err(|_| overflow("a date"))?;
    d.checked_add(span).map_err(|_| overflow("a date"))
}

fn add_days(d: Date, days: i64) -> TemporalResult<Date> {
    let span = Span::new().try_days(days).map_err(|_| overflow("a date"))?;
    d.checked_add(span).map_err(|_| overflow("a date"))
}

fn signed(nanos: i128) -> TemporalResult<SignedDuration> {
    let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).map_err(|_| overflow("a duration"))?;
    Ok(SignedDuration::new(secs, nanos.rem_euclid(NANOS_PER_SECOND) as i32))
}

/// Local date-time plus months, then days, then the time part (Cypher's order).
fn add_to_datetime(dt: DateTime, d: &Duration, sign: i64) -> TemporalResult<DateTime> {
    let date = add_months(dt.date(), d.months.checked_mul(sign).ok_or_else(|| overflow("a date"))?)?;
    let date = add_days(date, d.days.checked_mul(sign).ok_or_else(|| overflow("a date"))?)?;
    date.to_datetime(dt.time())
        .checked_add(signed(d.time_nanos() * i128::from(sign))?)
        .map_err(|_| overflow("a date-time"))
}

impl Temporal {
    /// This temporal plus (`sign` 1) or minus (`sign` -1) a duration.
    ///
    /// # Errors
    /// [`GraphError::TemporalOverflow`] when the result leaves the supported range;
    /// [`GraphError::InvalidTemporal`] when `self` is a duration (use [`Duration::plus`]).
    pub fn plus(&self, d: &Duration, sign: i64) -> TemporalResult<Temporal> {
        let time_nanos = d.time_nanos() * i128::from(sign);
        Ok(match self {
            Temporal::Date(x) => {
                // Whole days of the time part count; the rest of it is dropped.
                let whole_days = (d.time_nanos() / NANOS_PER_DAY) as i64;
                let days = d.days.checked_add(whole_days).ok_or_else(|| overflow("a date"))?;
                let date = add_months(*x, d.months.checked_mul(sign).ok_or_else(|| overflow("a date"))?)?;
                Temporal::Date(add_days(date, days.checked_mul(sign).ok_or_else(|| overflow("a date"))?)?)
            }
            Temporal::LocalTime(t) => Temporal::LocalTime(time_of_nanos(nanos_of_day(*t) + time_nanos)),
            Temporal::Time(t, o) => Temporal::Time(time_of_nanos(nanos_of_day(*t) + time_nanos), *o),
            Temporal::LocalDateTime(dt) => Temporal::LocalDateTime(add_to_datetime(*dt, d, sign)?),
            Temporal::DateTime(z) => {
                let (Some(months), Some(days)) = (d.months.checked_mul(sign), d.days.checked_mul(sign)) else {
                    return Err(overflow("a date-time"));
                };
                let months = Span::new().try_months(months).map_err(|_| overflow("a date-time"))?;
                let days = Span::new().try_days(days).map_err(|_| overflow("a date-time"))?;
                let z = z.checked_add(months).and_then(|z| z.checked_add(days)).map_err(|_| overflow("a date-time"))?;
                Temporal::DateTime(z.checked_add(signed(time_nanos)?).map_err(|_| overflow("a date-time"))?)
            }
            Temporal::Duration(x) => Temporal::Duration(x.plus(d, sign)?),
        })
    }

    /// Truncates to `unit` (`millennium`, `century`, `decade`, `year`, `weekYear`, `quarter`,
    /// `month`, `week`, `day`, `hour`, `minute`, `second`, `millisecond`, `microsecond`),
    /// returning the truncated date and time parts and the zone.
    ///
    /// # Errors
    /// [`GraphError::InvalidTemporal`] for an unknown unit or a date unit on a value without a
    /// date (a time truncated to a year).
    pub fn truncate(&self, unit: &str) -> TemporalResult<(Option<Date>, Option<Time>, Option<Zone>)> {
        let date = self.date();
        let time = self.time();
        let tr_date = |d: Date| -> TemporalResult<Date> {
            let y = i64::from(d.year());
            Ok(match unit {
                "millennium" => ymd(y.div_euclid(1000) * 1000, 1, 1)?,
                "century" => ymd(y.div_euclid(100) * 100, 1, 1)?,
                "decade" => ymd(y.div_euclid(10) * 10, 1, 1)?,
                "year" => ymd(y, 1, 1)?,
                "weekyear" => week_date(i64::from(d.iso_week_date().year()), 1, 1)?,
                "quarter" => ymd(y, (i64::from(d.month()) - 1) / 3 * 3 + 1, 1)?,
                "month" => ymd(y, i64::from(d.month()), 1)?,
                "week" => {
                    let w = d.iso_week_date();
                    week_date(i64::from(w.year()), i64::from(w.week()), 1)?
                }
                _ => d,
            })
        };
        let tr_time = |t: Time| -> TemporalResult<Time> {
            let n = t.subsec_nanosecond();
            let (h, m, s) = (i64::from(t.hour()), i64::from(t.minute()), i64::from(t.second()));
            Ok(match unit {
                "hour" => hms(h, 0, 0, 0)?,
                "minute" => hms(h, m, 0, 0)?,
                "second" => hms(h, m, s, 0)?,
                "millisecond" => hms(h, m, s, i64::from(n / 1_000_000 * 1_000_000))?,
                "microsecond" => hms(h, m, s, i64::from(n / 1000 * 1000))?,
                _ => t,
            })
        };
        let date_unit = matches!(
            unit,
            "millennium" | "century" | "decade" | "year" | "weekyear" | "quarter" | "month" | "week" | "day"
        );
        let time_unit = matches!(unit, "hour" | "minute" | "second" | "millisecond" | "microsecond");
        if !date_unit && !time_unit {
            return invalid(format!("unknown truncation unit '{unit}'"));
        }
        if date_unit && date.is_none() {
            return invalid(format!("a {} cannot be truncated to '{unit}'", self.type_name().to_lowercase()));
        }
        let date = date.map(tr_date).transpose()?;
        let time = match time {
            Some(_) if date_unit => Some(Time::midnight()),
            Some(t) => Some(tr_time(t)?),
            None => None,
        };
        Ok((date, time, self.zone()))
    }
}

// ----- duration.between -----------------------------------------------------------------------

/// Whole months from `a` to `b` (local date-times), as Java's `MONTHS.between`.
fn months_between(a: DateTime, b: DateTime) -> i64 {
    let mut end = b.date();
    if end > a.date() && b.time() < a.time() {
        end = end.yesterday().unwrap_or(end);
    } else if end < a.date() && b.time() > a.time() {
        end = end.tomorrow().unwrap_or(end);
    }
    let packed = |d: Date| (i64::from(d.year()) * 12 + i64::from(d.month()) - 1) * 32 + i64::from(d.day());
    (packed(end) - packed(a.date())) / 32
}

/// Whole days from `a` to `b` (local date-times), as Java's `DAYS.between`.
fn days_between(a: DateTime, b: DateTime) -> i64 {
    let mut end = b.date();
    if end > a.date() && b.time() < a.time() {
        end = end.yesterday().unwrap_or(end);
    } else if end < a.date() && b.time() > a.time() {
        end = end.tomorrow().unwrap_or(end);
    }
    i64::from(a.date().until(end).map(|s| s.get_days()).unwrap_or(0))
}

/// Which part of the difference `duration.between` and friends keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Between {
    /// Months, days and time (`duration.between`).
    All,
    /// Whole months only (`duration.inMonths`).
    Months,
    /// Whole days only (`duration.inDays`).
    Days,
    /// Seconds and nanoseconds only (`duration.inSeconds`).
    Seconds,
}

/// A temporal seen as a point for `duration.between`: a date (if any), a time of day, a zone
/// (if any).
struct Point {
    date: Option<Date>,
    time: Time,
    zone: Option<TimeZone>,
}

impl Point {
    fn of(t: &Temporal) -> Point {
        let zone = match t {
            Temporal::Time(_, o) => Some(TimeZone::fixed(*o)),
            Temporal::DateTime(z) => Some(z.time_zone().clone()),
            _ => None,
        };
        Point { date: t.date(), time: t.time().unwrap_or(Time::midnight()), zone }
    }

    /// Nanoseconds from the Unix epoch: the instant when the point has a zone, else the local
    /// date-time read as UTC.
    fn nanos(&self, date: Date) -> TemporalResult<i128> {
        let dt = date.to_datetime(self.time);
        match &self.zone {
            Some(tz) => Ok(tz
                .to_ambiguous_zoned(dt)
                .compatible()
                .map_err(|_| overflow("a date-time"))?
                .timestamp()
                .as_nanosecond()),
            None => Ok(dt.duration_since(DateTime::constant(1970, 1, 1, 0, 0, 0, 0)).as_nanos()),
        }
    }
}

/// The duration from `a` to `b`. A value without a date takes the other's date, and one
/// without a zone the other's zone, so `datetime` to `localtime` measures within that day.
///
/// # Errors
/// [`GraphError::InvalidTemporal`] when either is a duration; overflow otherwise.
pub fn between(a: &Temporal, b: &Temporal, part: Between) -> TemporalResult<Duration> {
    if matches!(a, Temporal::Duration(_)) || matches!(b, Temporal::Duration(_)) {
        return invalid("duration.between() expects two temporal instants, found a duration");
    }
    let (mut pa, mut pb) = (Point::of(a), Point::of(b));
    match (&pa.zone, &pb.zone) {
        (Some(z), None) => pb.zone = Some(z.clone()),
        (None, Some(z)) => pa.zone = Some(z.clone()),
        _ => {}
    }
    let (da, db) = match (pa.date, pb.date) {
        (Some(da), Some(db)) => (da, db),
        (one, other) => {
            // At most one date: only the time between them counts.
            if matches!(part, Between::Months | Between::Days) {
                return Ok(Duration::default());
            }
            let day = one.or(other).unwrap_or(Date::constant(1970, 1, 1));
            return Duration::new(0, 0, pb.nanos(day)? - pa.nanos(day)?);
        }
    };
    let a_dt = da.to_datetime(pa.time);
    // b's local date-time as seen in a's zone.
    let b_dt = match (&pa.zone, &pb.zone) {
        (Some(za), Some(zb)) => {
            let zb =
                zb.to_ambiguous_zoned(db.to_datetime(pb.time)).compatible().map_err(|_| overflow("a date-time"))?;
            zb.with_time_zone(za.clone()).datetime()
        }
        _ => db.to_datetime(pb.time),
    };
    let end = pb.nanos(db)?;
    let rest = |x: DateTime| -> TemporalResult<i128> {
        Ok(end - Point { date: None, time: x.time(), zone: pa.zone.clone() }.nanos(x.date())?)
    };
    match part {
        Between::Seconds => Duration::new(0, 0, rest(a_dt)?),
        Between::Months => Ok(Duration { months: months_between(a_dt, b_dt), ..Duration::default() }),
        Between::Days => Ok(Duration { days: days_between(a_dt, b_dt), ..Duration::default() }),
        Between::All => {
            let months = months_between(a_dt, b_dt);
            let a1 = add_months(a_dt.date(), months)?.to_datetime(a_dt.time());
            let days = days_between(a1, b_dt);
            let a2 = add_days(a1.date(), days)?.to_datetime(a1.time());
            Duration::new(months, days, rest(a2)?)
        }
    }
}

// ----- components ---------------------------------------------------------------------------

/// The value of component `key` (`year`, `week`, `epochSeconds`, `hours`, ...) of a temporal,
/// as an integer or a string; `None` when this kind has no such component.
pub fn component(t: &Temporal, key: &str) -> Option<ComponentValue> {
    use ComponentValue::{Int, Str};
    if let Temporal::Duration(d) = t {
        let s = i128::from(d.seconds);
        let n = i128::from(d.nanos);
        let v: i128 = match key {
            "years" => i128::from(d.months / 12),
            "quarters" => i128::from(d.months / 3),
            "months" => i128::from(d.months),
            "weeks" => i128::from(d.days / 7),
            "days" => i128::from(d.days),
            "hours" => s / 3600,
            "minutes" => s / 60,
            "seconds" => s,
            "milliseconds" => s * 1000 + n / 1_000_000,
            "microseconds" => s * 1_000_000 + n / 1000,
            "nanoseconds" => s * NANOS_PER_SECOND + n,
            "quartersofyear" => i128::from(d.months % 12 / 3),
            "monthsofquarter" => i128::from(d.months % 3),
            "monthsofyear" => i128::from(d.months % 12),
            "daysofweek" => i128::from(d.days % 7),
            "minutesofhour" => s / 60 % 60,
            "secondsofminute" => s % 60,
            "millisecondsofsecond" => n / 1_000_000,
            "microsecondsofsecond" => n / 1000,
            "nanosecondsofsecond" => n,
            _ => return None,
        };
        return i64::try_from(v).ok().map(Int);
    }
    if let Some(d) = t.date() {
        let w = d.iso_week_date();
        let v = match key {
            "year" => Some(i64::from(d.year())),
            "quarter" => Some((i64::from(d.month()) - 1) / 3 + 1),
            "month" => Some(i64::from(d.month())),
            "week" => Some(i64::from(w.week())),
            "weekyear" => Some(i64::from(w.year())),
            "day" => Some(i64::from(d.day())),
            "ordinalday" => Some(i64::from(d.day_of_year())),
            "weekday" | "dayofweek" => Some(i64::from(d.weekday().to_monday_one_offset())),
            "dayofquarter" => {
                let first = ymd(i64::from(d.year()), (i64::from(d.month()) - 1) / 3 * 3 + 1, 1).ok()?;
                Some(i64::from(first.until(d).ok()?.get_days()) + 1)
            }
            _ => None,
        };
        if let Some(v) = v {
            return Some(Int(v));
        }
    }
    if let Some(tm) = t.time() {
        let n = i64::from(tm.subsec_nanosecond());
        let v = match key {
            "hour" => Some(i64::from(tm.hour())),
            "minute" => Some(i64::from(tm.minute())),
            "second" => Some(i64::from(tm.second())),
            "millisecond" => Some(n / 1_000_000),
            "microsecond" => Some(n / 1000),
            "nanosecond" => Some(n),
            _ => None,
        };
        if let Some(v) = v {
            return Some(Int(v));
        }
    }
    if let Some(o) = t.offset() {
        match key {
            "timezone" => {
                return Some(Str(match t {
                    Temporal::DateTime(z) => match zone_name(z.time_zone()) {
                        Some(name) => name.to_string(),
                        None => offset_string(o),
                    },
                    _ => offset_string(o),
                }))
            }
            "offset" => return Some(Str(offset_string(o))),
            "offsetminutes" => return Some(Int(i64::from(o.seconds() / 60))),
            "offsetseconds" => return Some(Int(i64::from(o.seconds()))),
            _ => {}
        }
    }
    if let Temporal::DateTime(z) = t {
        let ts = z.timestamp();
        match key {
            "epochseconds" => return Some(Int(ts.as_second())),
            "epochmillis" => return Some(Int(ts.as_millisecond())),
            _ => {}
        }
    }
    None
}

/// A component's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentValue {
    /// A number: `year`, `epochSeconds`, ...
    Int(i64),
    /// A text: `timezone`, `offset`.
    Str(String),
}

/// The date-time at `seconds` and `nanos` after the Unix epoch, in UTC.
///
/// # Errors
/// [`GraphError::TemporalOverflow`] out of range.
pub fn from_epoch(seconds: i64, nanos: i64) -> TemporalResult<Temporal> {
    let total = i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos);
    let ts = Timestamp::from_nanosecond(total).map_err(|_| overflow("a date-time"))?;
    Ok(Temporal::DateTime(ts.to_zoned(TimeZone::UTC)))
}

/// The instant `at` as a temporal of kind `kind` in `zone` (`date()`, `datetime.realtime()`).
///
/// # Errors
/// [`GraphError::InvalidTemporal`] for an unknown kind.
pub fn now(kind: &str, zone: &Zone, at: Timestamp) -> TemporalResult<Temporal> {
    let z = at.to_zoned(zone.tz());
    Ok(match kind {
        "date" => Temporal::Date(z.date()),
        "localtime" => Temporal::LocalTime(z.time()),
        "time" => Temporal::Time(z.time(), z.offset()),
        "localdatetime" => Temporal::LocalDateTime(z.datetime()),
        "datetime" => Temporal::DateTime(z),
        other => return invalid(format!("unknown temporal kind '{other}'")),
    })
}

/// A temporal as the date, time and zone parts a constructor map may start from.
pub fn parts(t: &Temporal) -> (Option<Date>, Option<Time>, Option<Zone>) {
    (t.date(), t.time(), t.zone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: &str, s: &str) -> String {
        Temporal::parse(kind, s).map(|t| t.to_string()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn parses_and_prints_the_iso_forms() {
        assert_eq!(p("date", "2015-W30-2"), "2015-07-21");
        assert_eq!(p("date", "2015202"), "2015-07-21");
        assert_eq!(p("date", "201507"), "2015-07-01");
        assert_eq!(p("localdatetime", "2015W30T2140"), "2015-07-20T21:40");
        assert_eq!(p("localdatetime", "201507T21"), "2015-07-01T21:00");
        assert_eq!(p("time", "2140-02"), "21:40-02:00");
        assert_eq!(p("time", "214032.142Z"), "21:40:32.142Z");
        assert_eq!(
            p("datetime", "2015-07-21T21:40:32.142[Europe/London]"),
            "2015-07-21T21:40:32.142+01:00[Europe/London]"
        );
        assert_eq!(
            p("datetime", "1818-07-21T21:40:32.142[Europe/Stockholm]"),
            "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]"
        );
        assert_eq!(p("duration", "P5M1.5D"), "P5M1DT12H");
        assert_eq!(p("duration", "P0.75M"), "P22DT19H51M49.5S");
        assert_eq!(p("duration", "P2012-02-02T14:37:21.545"), "P2012Y2M2DT14H37M21.545S");
        assert!(p("date", "2015-13-01").starts_with("error"));
        assert!(p("duration", "P").starts_with("error"));
    }

    #[test]
    fn durations_print_each_part_with_its_sign() {
        let d = Duration::new(0, 0, -(599 * NANOS_PER_SECOND + 400_000_000)).unwrap();
        assert_eq!(Temporal::Duration(d).to_string(), "PT-9M-59.4S");
        assert_eq!(Temporal::Duration(Duration::default()).to_string(), "PT0S");
    }

    #[test]
    fn every_printed_form_parses_back_to_the_same_value() {
        for (kind, s) in [
            ("date", "-0044-03-15"),
            ("localtime", "23:59:59.999999999"),
            ("time", "00:00:01-00:53:28"),
            ("localdatetime", "9999-12-31T23:59"),
            ("datetime", "2017-10-29T02:30+01:00[Europe/Stockholm]"),
            ("duration", "P-1Y-1MT-0.000000001S"),
        ] {
            let t = Temporal::parse(kind, s).unwrap();
            let back = Temporal::parse(t.function_name(), &t.to_string()).unwrap();
            assert_eq!(back.to_string(), t.to_string(), "{s}");
            assert!(back.equals(&t), "{s}");
        }
    }

    #[test]
    fn between_splits_months_days_and_time() {
        let a = Temporal::parse("datetime", "2014-07-21T21:40:36.143+0200").unwrap();
        let b = Temporal::parse("datetime", "2015-07-21T21:40:32.142+0100").unwrap();
        assert_eq!(Temporal::Duration(between(&a, &b, Between::All).unwrap()).to_string(), "P1YT59M55.999S");
        let a = Temporal::parse("datetime", "2017-10-28T23:00+02:00[Europe/Stockholm]").unwrap();
        let b = Temporal::parse("datetime", "2017-10-29T04:00+01:00[Europe/Stockholm]").unwrap();
        assert_eq!(Temporal::Duration(between(&a, &b, Between::All).unwrap()).to_string(), "PT6H");
    }

    #[test]
    fn random_and_mutated_strings_never_panic() {
        use rand::{Rng, SeedableRng};
        let seeds = ["2015-07-21T21:40:32.142+02:00[Europe/Stockholm]", "P1Y2M3DT4H5M6.7S", "2015-W30-2", "21:40-02"];
        let alphabet = b"0123456789-+:.,TWZPYMDHS[]/ ";
        let mut rng = rand::rngs::SmallRng::seed_from_u64(11);
        for _ in 0..20_000 {
            let mut s: Vec<u8> = seeds[rng.random_range(0..seeds.len())].bytes().collect();
            for _ in 0..rng.random_range(1..4) {
                let i = rng.random_range(0..=s.len());
                match rng.random_range(0..3) {
                    0 if i < s.len() => {
                        s.remove(i);
                    }
                    1 => s.insert(i, alphabet[rng.random_range(0..alphabet.len())]),
                    _ if i < s.len() => s[i] = alphabet[rng.random_range(0..alphabet.len())],
                    _ => {}
                }
            }
            let s = String::from_utf8_lossy(&s).into_owned();
            for kind in ["date", "localtime", "time", "localdatetime", "datetime", "duration"] {
                if let Ok(t) = Temporal::parse(kind, &s) {
                    let _ = t.to_string();
                    let _ = t.plus(&Duration { months: i64::MAX, days: 1, seconds: i64::MIN, nanos: 0 }, -1);
                    let _ = between(&t, &t, Between::All);
                }
            }
        }
    }
}
