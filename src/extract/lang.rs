//! Language detection: Arabic or English, by counting letters of each script.
//!
//! Works on any slice (a document, a chunk or a sentence); mixed text goes to the script with
//! more letters. Knows nothing of the lexicon.

use serde::Serialize;

/// The languages the extractor handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic script text.
    Ar,
    /// English (Latin script) text.
    En,
}

impl Lang {
    /// The ISO 639-1 code, `ar` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }
}

/// Letter counts of both scripts in `text`.
pub fn script_counts(text: &str) -> (usize, usize) {
    let mut arabic = 0;
    let mut latin = 0;
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c) {
            arabic += 1;
        }
    }
    (arabic, latin)
}

/// Detect the dominant language of `text`; English when there are no letters at all.
pub fn detect(text: &str) -> Lang {
    let (arabic, latin) = script_counts(text);
    if arabic > latin {
        Lang::Ar
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts() {
        assert_eq!(detect("هاجمت الجماعة مدينة غاو"), Lang::Ar);
        assert_eq!(detect("JNIM attacked Gao"), Lang::En);
        assert_eq!(detect("JNIM هاجمت مدينة غاو"), Lang::Ar);
        assert_eq!(detect(""), Lang::En);
    }
}
