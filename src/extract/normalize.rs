//! Normalization for matching, with a map back to original byte offsets.
//!
//! Takes a slice of original text and writes a normalized copy: Arabic diacritics and tatweel
//! dropped, alef forms (أ إ آ ٱ) → ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Latin letters lower-cased and
//! stripped of accents, curly quotes and guillemets folded to ASCII quotes, hyphens and runs of
//! whitespace folded to one space. Every normalized byte records the original byte it came
//! from, so evidence is always cut from the original text. Lexicon aliases go through the same
//! function, so both sides agree.

/// A normalized text and, for each of its bytes, the offset of the original byte it came from.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// `map[i]` is the original offset of normalized byte `i`; one extra entry at the end
    /// holds the original end offset.
    pub map: Vec<u32>,
}

impl Normalized {
    /// Original byte range of the normalized range `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.map.get(start).copied().unwrap_or(0) as usize;
        // The last byte of the normalized range maps inside the last original char; the entry
        // after it is where the next original char starts.
        let e = self.map.get(end).copied().unwrap_or(s as u32) as usize;
        (s, e.max(s))
    }
}

/// The character a source character normalizes to, `None` to drop it, `Some(' ')` for space.
#[inline]
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' => return None,
        '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{00AD}' | '\u{202A}'..='\u{202E}' => return None,
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' | 'ئ' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        'ک' => 'ك',
        '“' | '”' | '«' | '»' | '„' | '″' => '"',
        '‘' | '’' | '`' | 'ʼ' | '′' | 'ʻ' => '\'',
        '-' | '‐' | '‑' | '–' | '_' => ' ',
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ô' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' => 'n',
        c @ '\u{0600}'..='\u{06FF}' => c,
        c if c.is_whitespace() => ' ',
        c if c.is_uppercase() => c.to_lowercase().next().unwrap_or(c),
        c => c,
    })
}

/// What a byte does in a run of chars copied as they are: [`STOP`] ends the run, [`SAME`] is
/// copied, [`UPPER`] is copied and lower-cased after.
const ASCII_RUN: [u8; 256] = {
    let mut t = [STOP; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'A'..=b'Z' => UPPER,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' | b'-' | b'_' | b'`' => STOP,
            _ => SAME,
        };
        b += 1;
    }
    t
};
const STOP: u8 = 0;
const SAME: u8 = 1;
const UPPER: u8 = 2;

/// Whether a code point of U+0600–U+06FF normalizes to itself, indexed by its low ten bits.
const ARABIC_SAME: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = !matches!(
            0x0600 + i as u32,
            0x064B..=0x065F
                | 0x0670
                | 0x0640
                | 0x06D6..=0x06ED
                | 0x0623
                | 0x0625
                | 0x0622
                | 0x0671
                | 0x0649
                | 0x06CC
                | 0x0626
                | 0x0629
                | 0x0624
                | 0x06A9
        );
        i += 1;
    }
    t
};

/// The end of the run of chars from byte `i` that normalize to themselves or to their ASCII
/// lower case: ASCII letters, digits and punctuation, two-byte Arabic that stays as it is, and
/// single spaces (after a space or at the start, a space is dropped, so it ends the run); and
/// whether the run has an ASCII capital.
#[inline]
fn copied_run(bytes: &[u8], i: usize, last_space: bool) -> (usize, bool) {
    let mut j = i;
    let mut space_before = last_space;
    let mut seen = 0;
    loop {
        let from = j;
        while j < bytes.len() {
            let k = ASCII_RUN[usize::from(bytes[j])];
            if k == STOP {
                break;
            }
            seen |= k;
            j += 1;
        }
        if j > from {
            space_before = false;
        }
        let Some(&b) = bytes.get(j) else { break };
        if b == b' ' && !space_before {
            space_before = true;
            j += 1;
        } else if (0xD8..=0xDB).contains(&b)
            && j + 1 < bytes.len()
            && ARABIC_SAME[(usize::from(b - 0xD8) << 6) | usize::from(bytes[j + 1] & 0x3F)]
        {
            space_before = false;
            j += 2;
        } else {
            break;
        }
    }
    (j, seen & UPPER != 0)
}

/// Normalize `src` into `out` (cleared first). `base` is added to every recorded offset.
pub fn normalize_into(src: &str, base: usize, out: &mut Normalized) {
    out.text.clear();
    out.map.clear();
    out.text.reserve(src.len());
    out.map.reserve(src.len() + 1);
    let bytes = src.as_bytes();
    let mut last_space = true;
    let mut i = 0;
    while i < bytes.len() {
        // A run of chars that normalize to themselves (or their ASCII lower case) is copied in
        // one piece; each byte maps to the start of its char (ASCII or two-byte Arabic only).
        let (run, upper) = copied_run(bytes, i, last_space);
        if run > i {
            let from = out.text.len();
            out.text.push_str(&src[i..run]);
            if upper {
                out.text[from..].make_ascii_lowercase();
            }
            out.map.extend((i..run).map(|k| (base + k - usize::from(bytes[k] & 0xC0 == 0x80)) as u32));
            last_space = bytes[run - 1] == b' ';
            i = run;
            if i == bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            let c = match b {
                b'A'..=b'Z' => b + 32,
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' | b'-' | b'_' => b' ',
                b'`' => b'\'',
                _ => b,
            };
            if c == b' ' {
                if !last_space {
                    out.text.push(' ');
                    out.map.push((base + i) as u32);
                }
                last_space = true;
            } else {
                out.text.push(c as char);
                out.map.push((base + i) as u32);
                last_space = false;
            }
            i += 1;
            continue;
        }
        // Arabic letters are two-byte sequences: fold them without a general decode.
        if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
            let c = ((u32::from(b) & 0x1F) << 6) | (u32::from(bytes[i + 1]) & 0x3F);
            let folded = match c {
                0x064B..=0x065F | 0x0670 | 0x0640 | 0x06D6..=0x06ED => None,
                0x0623 | 0x0625 | 0x0622 | 0x0671 => Some('ا'),
                0x0649 | 0x06CC | 0x0626 => Some('ي'),
                0x0629 => Some('ه'),
                0x0624 => Some('و'),
                0x06A9 => Some('ك'),
                _ => char::from_u32(c),
            };
            if let Some(n) = folded {
                out.text.push(n);
                let at = (base + i) as u32;
                for _ in 0..n.len_utf8() {
                    out.map.push(at);
                }
                last_space = false;
            }
            i += 2;
            continue;
        }
        let Some(c) = src[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if let Some(n) = fold(c) {
            if n == ' ' {
                if !last_space {
                    out.text.push(' ');
                    out.map.push((base + i) as u32);
                }
                last_space = true;
            } else {
                let before = out.text.len();
                out.text.push(n);
                for _ in before..out.text.len() {
                    out.map.push((base + i) as u32);
                }
                last_space = false;
            }
        }
        i += len;
    }
    if out.text.ends_with(' ') {
        out.text.pop();
        out.map.pop();
    }
    out.map.push((base + bytes.len()) as u32);
}

/// Normalize a whole string (used for lexicon entries).
pub fn normalize(src: &str) -> String {
    let mut n = Normalized::default();
    normalize_into(src, 0, &mut n);
    n.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_arabic_forms() {
        assert_eq!(normalize("الإسلام"), "الاسلام");
        assert_eq!(normalize("مُستفيدًا"), "مستفيدا");
        assert_eq!(normalize("جماعة"), "جماعه");
        assert_eq!(normalize("موسى"), "موسي");
        assert_eq!(normalize("الجزائر"), "الجزاير");
        assert_eq!(normalize("تــنظيم"), "تنظيم");
        assert_eq!(normalize("”كامب ديفيد”"), "\"كامب ديفيد\"");
    }

    #[test]
    fn folds_latin_forms() {
        assert_eq!(normalize("Ménaka  Al-Qaeda\n"), "menaka al qaeda");
        assert_eq!(normalize("Goïta’s"), "goita's");
    }

    /// Normalization char by char with [`fold`], the definition the fast paths must match.
    fn normalize_by_chars(src: &str, base: usize) -> Normalized {
        let mut out = Normalized::default();
        let mut last_space = true;
        for (i, c) in src.char_indices() {
            match fold(c) {
                None => {}
                Some(' ') => {
                    if !last_space {
                        out.text.push(' ');
                        out.map.push((base + i) as u32);
                    }
                    last_space = true;
                }
                Some(n) => {
                    out.text.push(n);
                    out.map.extend(std::iter::repeat_n((base + i) as u32, n.len_utf8()));
                    last_space = false;
                }
            }
        }
        if out.text.ends_with(' ') {
            out.text.pop();
            out.map.pop();
        }
        out.map.push((base + src.len()) as u32);
        out
    }

    #[test]
    fn fast_paths_equal_folding_char_by_char() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "  a  ",
            "ABC def-GHI_j`k",
            "Ménaka  Al-Qaeda\n",
            "Goïta’s «X» – y",
            "قُتل  في Ménaka",
            "الإسلام والمسلمين، تــنظيم ؤ ئ ة ى ک",
            "A\tB\r\nC",
            "x \u{200B}y Ω Σ İ",
        ]
        .map(String::from)
        .to_vec();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["graphs", "tests/fixtures/heldout", "tests/fixtures/real/articles"] {
            for e in std::fs::read_dir(root.join(dir)).into_iter().flatten().flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    texts.extend(std::fs::read_to_string(e.path()));
                }
            }
        }
        assert!(texts.len() > 30, "{}", texts.len());
        let mut fast = Normalized::default();
        for t in &texts {
            normalize_into(t, 7, &mut fast);
            let slow = normalize_by_chars(t, 7);
            assert_eq!(fast.text, slow.text, "{t}");
            assert_eq!(fast.map, slow.map, "{t}");
        }
    }

    #[test]
    fn maps_back_to_original() {
        let src = "قُتل  في Ménaka";
        let mut n = Normalized::default();
        normalize_into(src, 0, &mut n);
        assert_eq!(n.map.len(), n.text.len() + 1);
        let at = n.text.find("menaka").unwrap_or(0);
        let (s, e) = n.original_range(at, at + "menaka".len());
        assert_eq!(&src[s..e], "Ménaka");
        let (s, e) = n.original_range(0, "قتل".len());
        assert_eq!(&src[s..e], "قُتل");
    }
}
