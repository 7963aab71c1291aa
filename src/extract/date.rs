//! Dates in news text: the document's date and the date an event is stated to have happened.
//!
//! Takes original (not normalized) text and the date words of `lexicon/dates.txt`
//! ([`DateWords`]) and hands on [`DateExpr`]s: absolute dates of day, month or year precision
//! ("17 September 2024", «17 سبتمبر 2024», "March 2012", "in 2012", `/2024/09/17/` and
//! `2012_March_30` in a URL), dates without a year ("Sept 17"), and dates relative to the
//! document's date ("last Saturday", «يوم السبت الماضي», "yesterday"). [`DateExpr::resolve`]
//! turns one into a [`PartialDate`] given the document's date. Arabic-Indic digits count as
//! digits. The calendar arithmetic is the proleptic Gregorian day count; this module knows
//! nothing of entities or relations.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::error::ExtractError;
use super::normalize::{normalize, normalize_into, Normalized};

/// How precise a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Only the year is known.
    Year,
    /// The year and month are known.
    Month,
    /// The day is known.
    Day,
}

impl Precision {
    /// `day`, `month` or `year`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A calendar date known to the day, the month or only the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// 1–12, or 0 when unknown.
    pub month: u8,
    /// 1–31, or 0 when unknown (always 0 when the month is).
    pub day: u8,
}

impl PartialDate {
    /// A date known to the day, if it exists.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(PartialDate {
            year,
            month,
            day,
        })
    }

    /// A month of a year, if the month is 1–12.
    pub fn ym(year: i32, month: u8) -> Option<PartialDate> {
        (1..=12).contains(&month).then_some(PartialDate { year, month, day: 0 })
    }

    /// A year.
    pub fn y(year: i32) -> PartialDate {
        PartialDate { year, month: 0, day: 0 }
    }

    /// How precise it is.
    pub fn precision(self) -> Precision {
        if self.day > 0 {
            Precision::Day
        } else if self.month > 0 {
            Precision::Month
        } else {
            Precision::Year
        }
    }

    /// Parse `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn parse_iso(s: &str) -> Option<PartialDate> {
        let mut parts = s.trim().split('-');
        let y = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
        let m = match parts.next() {
            None => return Some(PartialDate::y(y)),
            Some(p) if p.len() == 2 => p.parse().ok()?,
            Some(_) => return None,
        };
        let d = match parts.next() {
            None => return PartialDate::ym(y, m),
            Some(p) if p.len() == 2 => p.parse().ok()?,
            Some(_) => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        PartialDate::ymd(y, m, d)
    }

    /// The first day it may stand for, as a day number.
    pub fn first_day(self) -> i64 {
        days_from_civil(self.year, self.month.max(1), self.day.max(1))
    }

    /// The last day it may stand for, as a day number.
    pub fn last_day(self) -> i64 {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 { days_in_month(self.year, month) } else { self.day };
        days_from_civil(self.year, month, day)
    }

    /// The date of a day number.
    pub fn from_day(days: i64) -> PartialDate {
        let (year, month, day) = civil_from_days(days);
        PartialDate { year, month, day }
    }

    /// Today (UTC) by the system clock.
    pub fn today() -> PartialDate {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        PartialDate::from_day(secs.div_euclid(86_400))
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month > 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day > 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// ISO weekday of a day number: 1 = Monday … 7 = Sunday.
fn weekday(days: i64) -> u8 {
    ((days + 3).rem_euclid(7) + 1) as u8
}

/// A date as the text states it, maybe relative to the document's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateExpr {
    /// A date with its year.
    Absolute(PartialDate),
    /// A month (and day, 0 when absent) without a year: the document's year.
    NoYear {
        /// 1–12.
        month: u8,
        /// 1–31, or 0.
        day: u8,
    },
    /// A weekday (1 = Monday): the latest such day on or before the document's date, or
    /// strictly before it when `last`.
    Weekday {
        /// 1–7.
        weekday: u8,
        /// "last Saturday": strictly before.
        last: bool,
    },
    /// This many days before the document's date ("yesterday").
    DaysBefore(u8),
    /// A month named as the latest one before the document's date ("last August", «أغسطس
    /// الماضي»): 1–12.
    LastMonth(u8),
}

impl DateExpr {
    /// The date this stands for, given the document's date (`None` when it needs one that is
    /// unknown or too coarse).
    pub fn resolve(self, doc: Option<PartialDate>) -> Option<PartialDate> {
        match self {
            DateExpr::Absolute(d) => Some(d),
            DateExpr::NoYear { month, day } => {
                let year = doc?.year;
                if day > 0 {
                    PartialDate::ymd(year, month, day)
                } else {
                    PartialDate::ym(year, month)
                }
            }
            DateExpr::Weekday { weekday: wd, last } => {
                let d = doc.filter(|d| d.precision() == Precision::Day)?.first_day();
                let back = (i64::from(weekday(d)) - i64::from(wd)).rem_euclid(7);
                let back = if back == 0 && last { 7 } else { back };
                Some(PartialDate::from_day(d - back))
            }
            DateExpr::DaysBefore(n) => {
                let d = doc.filter(|d| d.precision() == Precision::Day)?.first_day();
                Some(PartialDate::from_day(d - i64::from(n)))
            }
            DateExpr::LastMonth(m) => {
                let d = doc.filter(|d| d.precision() != Precision::Year)?;
                PartialDate::ym(if d.month > m { d.year } else { d.year - 1 }, m)
            }
        }
    }

    /// Whether it counts from the document's date ("last Saturday", "yesterday", "last
    /// August"): such a date only means something against the date the document was written,
    /// never against a year the text mentions as background.
    pub fn is_relative(self) -> bool {
        matches!(self, DateExpr::Weekday { .. } | DateExpr::DaysBefore(_) | DateExpr::LastMonth(_))
    }

    /// How much the expression pins down, for choosing among several in one sentence.
    fn rank(self) -> u8 {
        match self {
            DateExpr::Absolute(d) => d.precision() as u8 * 2 + 1,
            DateExpr::NoYear { day, .. } => {
                if day > 0 {
                    4
                } else {
                    2
                }
            }
            DateExpr::Weekday { .. } | DateExpr::DaysBefore(_) => 5,
            DateExpr::LastMonth(_) => 2,
        }
    }
}

/// A date word of `lexicon/dates.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Month(u8),
    Weekday(u8),
    Last,
    Yesterday,
    YearPrep,
    Since,
}

/// The date words, by normalized form.
#[derive(Debug, Clone, Default)]
pub struct DateWords {
    words: HashMap<String, Word>,
    /// First words of the multi-word entries.
    firsts: HashSet<String>,
}

impl DateWords {
    /// Parse the text of `dates.txt` (`file` names it in errors).
    ///
    /// # Errors
    /// [`ExtractError::LexiconParse`] with the line of an unknown header or a bad word line.
    pub fn parse(file: &str, text: &str) -> Result<DateWords, ExtractError> {
        let mut words = HashMap::new();
        let mut firsts = HashSet::new();
        let mut current: Option<Word> = None;
        for (no, line) in super::lexicon::data_lines(text) {
            let error = |message: String| super::lexicon::parse_error(file, no, message);
            if let Some(head) = line.strip_prefix('@') {
                let mut parts = head.split_whitespace();
                let kind = parts.next().unwrap_or("");
                let n: Option<u8> = parts.next().and_then(|n| n.parse().ok());
                current = Some(match (kind, n) {
                    ("month", Some(m @ 1..=12)) => Word::Month(m),
                    ("weekday", Some(d @ 1..=7)) => Word::Weekday(d),
                    ("last", None) => Word::Last,
                    ("yesterday", None) => Word::Yesterday,
                    ("year_prep", None) => Word::YearPrep,
                    ("since", None) => Word::Since,
                    _ => {
                        return Err(error(format!(
                            "unknown header '@{head}', expected 'month 1-12', 'weekday 1-7', 'last', 'yesterday', 'year_prep' or 'since'"
                        )))
                    }
                });
                continue;
            }
            let Some(word) = current else {
                return Err(error("date words before any '@ kind' header".to_string()));
            };
            let (_, values) = super::lexicon::language_line(file, no, line, "word")?;
            for v in values {
                let n = normalize(v);
                if let Some((first, _)) = n.split_once(' ') {
                    firsts.insert(first.to_string());
                }
                words.insert(n, word);
            }
        }
        Ok(DateWords { words, firsts })
    }

    fn lookup(&self, word: &str) -> Option<Word> {
        if let Some(&w) = self.words.get(word) {
            return Some(w);
        }
        // Arabic clitics: وفي، بسبتمبر، والسبت.
        let mut rest = word;
        for _ in 0..2 {
            let c = rest.chars().next()?;
            if !matches!(c, 'و' | 'ب' | 'ل' | 'ف') {
                return None;
            }
            rest = &rest[c.len_utf8()..];
            if let Some(&w) = self.words.get(rest) {
                return Some(w);
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A number: value and digit count.
    Num(u32, u8),
    Word(Word),
    Other,
}

/// `c.is_alphanumeric()`, with the Arabic block read from a table built once (the general
/// lookup is slow, and Arabic text is made of these chars).
fn is_alnum(c: char) -> bool {
    static ARABIC: std::sync::LazyLock<[bool; 256]> = std::sync::LazyLock::new(|| {
        std::array::from_fn(|i| char::from_u32(0x0600 + i as u32).is_some_and(char::is_alphanumeric))
    });
    match c as u32 {
        0x0600..=0x06FF => ARABIC[c as usize - 0x0600],
        _ => c.is_alphanumeric(),
    }
}

/// Tokens of `text` with the byte range of each; `scratch` holds each word normalized.
fn tokens(words: &DateWords, text: &str, out: &mut Vec<(Tok, usize, usize)>, scratch: &mut Normalized) {
    out.clear();
    let mut start = None;
    let lookup = |w: &str, scratch: &mut Normalized| {
        normalize_into(w, 0, scratch);
        words.lookup(&scratch.text)
    };
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        if is_alnum(c) {
            start.get_or_insert(i);
            continue;
        }
        let Some(s) = start.take() else { continue };
        let w = &text[s..i];
        let tok = match number(w) {
            Some(t) => t,
            None => lookup(w, scratch).map_or(Tok::Other, Tok::Word),
        };
        // Two-word month names (كانون الثاني): join with the word before.
        if let Some(&(Tok::Other, ps, pe)) = out.last() {
            normalize_into(&text[ps..pe], 0, scratch);
            if words.firsts.contains(&scratch.text) && text[pe..s].chars().all(char::is_whitespace) {
                if let Some(Word::Month(m)) = lookup(&text[ps..i], scratch) {
                    out.pop();
                    out.push((Tok::Word(Word::Month(m)), ps, i));
                    continue;
                }
            }
        }
        out.push((tok, s, i));
    }
}

/// A number token (ASCII or Arabic-Indic digits; `17th` counts as 17).
fn number(w: &str) -> Option<Tok> {
    let w = ["st", "nd", "rd", "th"].iter().find_map(|s| w.strip_suffix(s)).unwrap_or(w);
    let mut v: u32 = 0;
    let mut n: u8 = 0;
    for c in w.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
            '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
            _ => return None,
        };
        n = n.checked_add(1)?;
        if n > 8 {
            return None;
        }
        v = v * 10 + d;
    }
    (n > 0).then_some(Tok::Num(v, n))
}

fn year(t: Tok) -> Option<i32> {
    match t {
        Tok::Num(v, 4) if (1900..=2100).contains(&v) => Some(v as i32),
        _ => None,
    }
}

fn day(t: Tok) -> Option<u8> {
    match t {
        Tok::Num(v @ 1..=31, 1 | 2) => Some(v as u8),
        _ => None,
    }
}

fn month(t: Tok) -> Option<u8> {
    match t {
        Tok::Word(Word::Month(m)) => Some(m),
        _ => None,
    }
}

/// The date expression starting at token `i`, with the number of tokens it spans.
fn expr_at(text: &str, t: &[(Tok, usize, usize)], i: usize) -> Option<(DateExpr, usize)> {
    let k = |j: usize| t.get(i + j).map_or(Tok::Other, |x| x.0);
    // Only punctuation that can sit inside a date between tokens j and j+1.
    let tight = |j: usize| match (t.get(i + j), t.get(i + j + 1)) {
        (Some(a), Some(b)) => {
            let gap = &text[a.2..b.1];
            gap.len() <= 3 && gap.chars().all(|c| c.is_whitespace() || matches!(c, ',' | '-' | '/' | '_' | '.' | '،'))
        }
        _ => false,
    };
    let numeric_gap = |j: usize| match (t.get(i + j), t.get(i + j + 1)) {
        (Some(a), Some(b)) => matches!(&text[a.2..b.1], "-" | "/" | "_" | "."),
        _ => false,
    };
    let abs = |d: Option<PartialDate>, n: usize| d.map(|d| (DateExpr::Absolute(d), n));
    match k(0) {
        Tok::Num(..) => {
            if let (Some(d), Some(m)) = (day(k(0)), month(k(1))) {
                if tight(0) && tight(1) {
                    if let Some(y) = year(k(2)) {
                        return abs(PartialDate::ymd(y, m, d), 3);
                    }
                }
                if tight(0) {
                    return Some((DateExpr::NoYear { month: m, day: d }, 2));
                }
            }
            let y = year(k(0))?;
            if let (Some(m), Some(d)) = (month(k(1)), day(k(2))) {
                if tight(0) && tight(1) {
                    return abs(PartialDate::ymd(y, m, d), 3);
                }
            }
            if let Tok::Num(m @ 1..=12, 1 | 2) = k(1) {
                if numeric_gap(0) {
                    if let Some(d) = day(k(2)).filter(|_| numeric_gap(1)) {
                        return abs(PartialDate::ymd(y, m as u8, d), 3);
                    }
                    return abs(PartialDate::ym(y, m as u8), 2);
                }
            }
            None
        }
        Tok::Word(Word::Month(m)) => {
            if let Some(n) = last_after_month(text, t, i, m) {
                return Some((DateExpr::LastMonth(m), n));
            }
            if let Some(d) = day(k(1)).filter(|_| tight(0)) {
                if let Some(y) = year(k(2)).filter(|_| tight(1)) {
                    return abs(PartialDate::ymd(y, m, d), 3);
                }
                return Some((DateExpr::NoYear { month: m, day: d }, 2));
            }
            if let Some(y) = year(k(1)).filter(|_| tight(0)) {
                return abs(PartialDate::ym(y, m), 2);
            }
            None
        }
        Tok::Word(Word::YearPrep) => {
            if let Some(y) = year(k(1)) {
                return abs(Some(PartialDate::y(y)), 2);
            }
            let m = month(k(1))?;
            if let Some(n) = last_after_month(text, t, i + 1, m) {
                return Some((DateExpr::LastMonth(m), n + 1));
            }
            if year(k(2)).is_some() || day(k(2)).is_some() {
                return None;
            }
            Some((DateExpr::NoYear { month: m, day: 0 }, 2))
        }
        Tok::Word(Word::Weekday(wd)) => {
            let last = k(1) == Tok::Word(Word::Last);
            Some((DateExpr::Weekday { weekday: wd, last }, 1 + usize::from(last)))
        }
        Tok::Word(Word::Last) => match k(1) {
            Tok::Word(Word::Weekday(wd)) => Some((DateExpr::Weekday { weekday: wd, last: true }, 2)),
            Tok::Word(Word::Month(m)) if year(k(2)).is_none() && day(k(2)).is_none() => {
                Some((DateExpr::LastMonth(m), 2))
            }
            _ => None,
        },
        Tok::Word(Word::Yesterday) => Some((DateExpr::DaysBefore(1), 1)),
        Tok::Word(Word::Since) | Tok::Other => None,
    }
}

/// The tokens the month at token `i` spans when "last" follows it («أغسطس الماضي»), also
/// behind a second name of the same month («أغسطس/آب الماضي»). Only an Arabic "last" follows
/// its month; English "August last year" is no "last August".
fn last_after_month(text: &str, t: &[(Tok, usize, usize)], i: usize, m: u8) -> Option<usize> {
    let k = |j: usize| t.get(i + j).map_or(Tok::Other, |x| x.0);
    let alias = usize::from(k(1) == Tok::Word(Word::Month(m)));
    let last = t.get(i + 1 + alias).filter(|x| x.0 == Tok::Word(Word::Last))?;
    text[last.1..].starts_with(|c: char| ('\u{0600}'..='\u{06FF}').contains(&c)).then_some(2 + alias)
}

/// Finds date expressions, reusing its buffers across calls.
#[derive(Debug, Default)]
pub struct DateFinder {
    toks: Vec<(Tok, usize, usize)>,
    scratch: Normalized,
}

impl DateFinder {
    /// Every date expression in `text`, in order.
    pub fn find_all(&mut self, words: &DateWords, text: &str) -> Vec<DateExpr> {
        tokens(words, text, &mut self.toks, &mut self.scratch);
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            match expr_at(text, &self.toks, i) {
                Some((e, n)) => {
                    let e = self.range_year(e, i + n);
                    // "since 2012", «منذ عام 2012»: the start of a period, not an event's date.
                    let since = i.checked_sub(1).is_some_and(|p| self.toks[p].0 == Tok::Word(Word::Since));
                    if !since {
                        out.push(e);
                    }
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// A date without a year that ends a range whose year follows ("November 10 and 14,
    /// 2023"): that year.
    fn range_year(&self, e: DateExpr, next: usize) -> DateExpr {
        let DateExpr::NoYear { month, day } = e else { return e };
        for (j, t) in self.toks.iter().enumerate().skip(next).take(3) {
            if let Some(y) = year(t.0) {
                let between = &self.toks[next..j];
                if between.iter().all(|b| matches!(b.0, Tok::Num(_, 1 | 2) | Tok::Other) && b.2 - b.1 <= 3) {
                    let d = if day > 0 { PartialDate::ymd(y, month, day) } else { PartialDate::ym(y, month) };
                    return d.map_or(e, DateExpr::Absolute);
                }
                break;
            }
        }
        e
    }

    /// The first bare year (1950–2100) in `text`: the year of a title such as "Battle of Kidal
    /// (2023)" or a URL's `/2024_Bamako_attacks`.
    pub fn bare_year(&mut self, words: &DateWords, text: &str) -> Option<PartialDate> {
        tokens(words, text, &mut self.toks, &mut self.scratch);
        self.toks.iter().find_map(|t| year(t.0).filter(|y| *y >= 1950)).map(PartialDate::y)
    }

    /// The date a sentence states for its event: the most precise expression, the first of
    /// equals.
    pub fn event(&mut self, words: &DateWords, text: &str) -> Option<DateExpr> {
        let mut best: Option<DateExpr> = None;
        for e in self.find_all(words, text) {
            if best.is_none_or(|b| e.rank() > b.rank()) {
                best = Some(e);
            }
        }
        best
    }

    /// The most precise absolute date (with its year) in `text`, the first of equals.
    pub fn absolute(&mut self, words: &DateWords, text: &str) -> Option<PartialDate> {
        let mut best: Option<PartialDate> = None;
        for e in self.find_all(words, text) {
            if let DateExpr::Absolute(d) = e {
                if best.is_none_or(|b| d.precision() > b.precision()) {
                    best = Some(d);
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> DateWords {
        DateWords::parse("dates.txt", include_str!("../../lexicon/dates.txt")).unwrap_or_default()
    }

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap_or(PartialDate::y(0))
    }

    fn abs(text: &str) -> Option<String> {
        DateFinder::default().absolute(&words(), text).map(|d| d.to_string())
    }

    fn event(text: &str, doc: &str) -> Option<String> {
        DateFinder::default().event(&words(), text).and_then(|e| e.resolve(Some(d(doc)))).map(|d| d.to_string())
    }

    #[test]
    fn iso_and_calendar() {
        assert_eq!(d("2024-09-17").to_string(), "2024-09-17");
        assert_eq!(d("2024-09").precision(), Precision::Month);
        assert_eq!(PartialDate::parse_iso("2023-02-29"), None);
        assert_eq!(PartialDate::parse_iso("2024-9-1"), None);
        assert_eq!(PartialDate::parse_iso("17/09/2024"), None);
        assert_eq!(PartialDate::from_day(d("2024-03-01").first_day() - 1).to_string(), "2024-02-29");
        assert_eq!(weekday(d("2024-09-17").first_day()), 2, "a Tuesday");
        assert_eq!(PartialDate::from_day(d("2012").last_day()).to_string(), "2012-12-31");
        assert!(PartialDate::today().year >= 2024);
    }

    #[test]
    fn english_dates() {
        assert_eq!(abs("Militants struck the base on 17 September 2024 at dawn."), Some("2024-09-17".into()));
        assert_eq!(abs("It happened on September 17, 2024."), Some("2024-09-17".into()));
        assert_eq!(abs("Rebels took the town in March 2012."), Some("2012-03".into()));
        assert_eq!(abs("Fighting resumed in 2012 near the border."), Some("2012".into()));
        assert_eq!(abs("Some 2012 soldiers and 17 trucks."), None);
        assert_eq!(abs("Resolution 2100 was adopted."), None);
        assert_eq!(
            abs("The battle took place between November 10 and 14, 2023, near Kidal."),
            Some("2023-11-10".into())
        );
        assert_eq!(DateFinder::default().bare_year(&words(), "Battle of Kidal (2023)"), Some(PartialDate::y(2023)));
        assert_eq!(abs("The region has been unstable since 2012."), None);
        assert_eq!(abs("تشهد المنطقة اضطرابات منذ عام 2012."), None);
    }

    #[test]
    fn urls_and_titles() {
        assert_eq!(abs("# source: https://example.org/news/2024/09/17/attack-on-base"), Some("2024-09-17".into()));
        assert_eq!(abs("# source: https://example.org/wiki/2012_March_30_clashes"), Some("2012-03-30".into()));
        assert_eq!(abs("# source: https://example.org/wiki/Battle_of_X_(March_2012)"), Some("2012-03".into()));
        assert_eq!(abs("# source: https://example.org/a/2023-05-02-report"), Some("2023-05-02".into()));
    }

    #[test]
    fn arabic_dates() {
        assert_eq!(abs("هاجم المسلحون القاعدة في 17 سبتمبر 2024."), Some("2024-09-17".into()));
        assert_eq!(abs("سيطر المتمردون على المدينة في ١٧ أيلول ٢٠٢٤."), Some("2024-09-17".into()));
        assert_eq!(abs("وقعت الاشتباكات في كانون الثاني 2013 قرب الحدود."), Some("2013-01".into()));
        assert_eq!(abs("وقعت الاشتباكات في 3 تشرين الأول 2013."), Some("2013-10-03".into()));
        assert_eq!(abs("اندلعت المعارك عام 2012 في الشمال."), Some("2012".into()));
        assert_eq!(abs("في 5 جويلية 2024 هاجمت الجماعة المعسكر."), Some("2024-07-05".into()));
    }

    #[test]
    fn relative_dates() {
        // 2024-09-17 is a Tuesday.
        assert_eq!(event("The group attacked the convoy last Saturday.", "2024-09-17"), Some("2024-09-14".into()));
        assert_eq!(event("هاجمت الجماعة القافلة يوم السبت الماضي.", "2024-09-17"), Some("2024-09-14".into()));
        assert_eq!(event("The army said on Tuesday it had retaken the town.", "2024-09-17"), Some("2024-09-17".into()));
        assert_eq!(event("Last Tuesday the army retook the town.", "2024-09-17"), Some("2024-09-10".into()));
        assert_eq!(event("The army retook the town yesterday.", "2024-09-17"), Some("2024-09-16".into()));
        assert_eq!(event("Rebels took the town in March.", "2024-09-17"), Some("2024-03".into()));
        assert_eq!(
            event("Founded in March 2017, the group attacked Gao on Sept 2.", "2024-09-17"),
            Some("2024-09-02".into())
        );
        assert_eq!(
            DateFinder::default().event(&words(), "last Saturday").and_then(|e| e.resolve(Some(d("2024")))),
            None
        );
    }

    #[test]
    fn last_month() {
        assert_eq!(
            event("The group announced last August that it would block the roads.", "2023-11-20"),
            Some("2023-08".into())
        );
        assert_eq!(
            event("The group announced last November that it would block the roads.", "2023-11-20"),
            Some("2022-11".into())
        );
        assert_eq!(
            event("أعلنت الجماعة في أغسطس/آب الماضي فرض حصار على المدينة.", "2023-11-20"),
            Some("2023-08".into())
        );
        assert_eq!(event("أعلنت الجماعة في سبتمبر الماضي فرض حصار على المدينة.", "2024-03"), Some("2023-09".into()));
        // A year alone cannot say which August was the last one.
        assert_eq!(event("أعلنت الجماعة في أغسطس/آب الماضي فرض حصار على المدينة.", "2015"), None);
        let e = DateFinder::default().event(&words(), "in August last year");
        assert!(e.is_some_and(|e| !e.is_relative()), "{e:?}");
        assert!(DateFinder::default().event(&words(), "last August").is_some_and(DateExpr::is_relative));
    }
}
