//! The lexicon: entities with their aliases, relation triggers and function words, read from
//! the data files in `lexicon/` and compiled into one byte trie.
//!
//! Takes the text of three files (`entities.txt`, `triggers.txt`, `markers.txt`, format in
//! `lexicon/README.md`), normalizes every alias with [`crate::extract::normalize`] and builds a
//! [`Trie`] whose patterns point at [`Term`]s. It does not decide whether a
//! match is a whole word: [`crate::extract::tokenize`] does that.

use std::path::Path;

use foldhash::{HashMap, HashMapExt, HashSet};

use super::date::{DateWords, PartialDate};
use super::error::ExtractError;
use super::normalize::normalize;
use super::trie::Trie;
use super::RelationType;

const EMBEDDED_ENTITIES: &str = include_str!("../../lexicon/entities.txt");
const EMBEDDED_TRIGGERS: &str = include_str!("../../lexicon/triggers.txt");
const EMBEDDED_MARKERS: &str = include_str!("../../lexicon/markers.txt");
const EMBEDDED_DATES: &str = include_str!("../../lexicon/dates.txt");

/// One entity of the lexicon.
#[derive(Debug, Clone)]
pub struct EntityDef {
    /// Canonical English name (or `*name` for a generic entity resolved per document).
    pub name: String,
    /// Labels, first one primary.
    pub labels: Vec<String>,
    /// The first Arabic alias, stored as `name_ar`.
    pub name_ar: Option<String>,
    /// All aliases as written in the lexicon.
    pub aliases: Vec<String>,
    /// The entity this one stands for in a document about the Sahel (`القاعدة` → JNIM).
    pub sahel_target: Option<String>,
    /// Whether a mention of this entity marks the document as being about the Sahel.
    pub sahel: bool,
    /// For generic entities: country → canonical entity name.
    pub by_country: Vec<(String, String)>,
    /// Entities this one stands for when the document names them (`the separatists` →
    /// CSP-PSD in a text that names the CSP-PSD).
    pub prefer: Vec<String>,
    /// For an alliance: its member entities (a list of three or more of them named with it
    /// are allied).
    pub members: Vec<String>,
    /// The country this entity is in (counts towards a text's main country).
    pub country: Option<String>,
    /// "the jihadists" may refer back to it.
    pub jihadist: bool,
    /// A region, not a town ("the town" never refers back to it).
    pub region: bool,
    /// The entity exists from this date on (`from=2017-03-02`).
    pub from: Option<PartialDate>,
    /// The entity exists until this date (`until=2025-06`).
    pub until: Option<PartialDate>,
    /// What a mention means before `from` (`before=al-Qaeda`); as written when absent.
    pub before: Option<String>,
    /// What a mention means after `until` (`after=Africa Corps`); as written when absent.
    pub after: Option<String>,
}

impl EntityDef {
    /// Whether this is a generic entity (`*army`) resolved by the document's country.
    pub fn is_generic(&self) -> bool {
        self.name.starts_with('*')
    }
}

/// A relation trigger word and how its arguments are found.
#[derive(Debug, Clone, Copy)]
pub struct TriggerDef {
    /// The relation it signals.
    pub relation: RelationType,
    /// Mutual fighting ("clashes"): ATTACKED both ways.
    pub mutual: bool,
    /// The agent follows and the patient precedes ("under the control of").
    pub passive: bool,
    /// An Arabic noun: an actor behind ل right after it is the agent (هجوم لتنظيم X).
    pub nominal: bool,
    /// The object is an actor: people are killed, places are not.
    pub persons: bool,
    /// A massacre: the place it happened in ("massacre in Moura") was attacked.
    pub site: bool,
    /// Expelling («طرد X من Y»): X is attacked and held Y until then; the expeller holds a
    /// town it expels X from.
    pub expel: bool,
}

/// Function words and phrases the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Marker {
    Prep,
    /// "against", "ضد": what follows is opposed, never an ally.
    Against,
    WeakPrep,
    With,
    Locative,
    Border,
    Between,
    BetweenPair,
    And,
    Negation,
    WideNegation,
    Agent,
    LedBy,
    PairRef,
    GroupRef,
    JihadistRef,
    PlaceRef,
    BaseRef,
    Relative,
    /// "while", "بينما": a new clause with its own subject.
    Clause,
    /// "ended", "إنهاء": ends a truce or an alliance, but the fighting it ends happened.
    Ending,
    /// "بعدما", "حيث": a clause may start with its verb here; the subject may also be elided.
    Subordinator,
    /// Words that only shadow a shorter marker ("لا يزال" is no negation).
    Neutral,
    PronounObject,
    /// «وهي», «إنها»: a pronoun right before a verb is its subject; with no actor before it in
    /// the sentence it stands for the group the text last told about.
    PronounSubject,
    HeadGroup,
    /// «الجماعات الإسلامية»: a plural description before names; they keep the preposition in
    /// front of it, and no guessed name starts after it.
    Description,
    HeadPlace,
    HeadBase,
    Title,
    /// "including", "بما فيها": the list after it continues the objects before it.
    Including,
    /// "locations", "positions", "مواقع": a place after it (behind "in") is what was hit.
    TargetNoun,
    /// "airport", "school": ends a capitalised name of a facility, which keeps the word.
    HeadFacility,
    /// "neighborhood", "district": ends a capitalised place name, which drops the word.
    HeadPlaceAfter,
    /// "claimed responsibility for", "تبنت": the subject made the attack last reported.
    Claim,
    /// "tried to", "attempted to": an attempt to take a place attacks it; other relations
    /// are only aims.
    Attempt,
    Comma,
    OpenParen,
    CloseParen,
}

/// Lists of words the rules look up one word at a time (they are not matched in the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordSet {
    /// Words that follow a head such as "جماعة" or "مدينة" without being a name.
    NotName,
    /// Capitalised words that never start a guessed English name ("The", "Monday").
    NameStop,
    /// Words that make a capitalised name an armed group ("Front", "Brigade").
    NameGroup,
    /// Words that make a capitalised group name a force ("Army", "Forces").
    NameForce,
    /// Lower-case words inside a capitalised name ("al", "ag", "ould").
    NameConnector,
    /// Determiners between a preposition and its noun ("the", "several", "عشرات").
    Determiner,
    /// Ally words that join two coordinated names ("X and allied Y", "X وحليفته Y").
    AllyWord,
    /// Prepositions of origin: "took X from Y" attacks Y.
    SourcePrep,
    /// «إلى جانب»: "alongside" or "besides"; after the subject's own action on an object it
    /// adds to that object ("besides"), else it joins the actor after it ("alongside").
    Alongside,
    /// Auxiliaries of the passive voice ("were killed", "was captured"): the noun before the
    /// participle is its patient.
    PassiveAux,
    /// Pronouns that open a clause after a clause word ("they", "it"): "X destroyed Y while
    /// they controlled Z" shares the subject of the clause before it. Not the Arabic
    /// `pronoun_subject` marker, which stands for the group the text last told about.
    ClausePronoun,
    /// Place references that may stand for a region as well as a town («المنطقة»).
    AreaRef,
    /// "out of", «خارج»: what an expulsion drove its patient out of.
    OutOf,
    /// Result verbs before «عن» («أسفر عن مقتل»): the dead they name were attacked.
    Result,
    /// Death nouns behind «عن» after a result verb («مقتل», «مصرع»).
    Death,
}

impl WordSet {
    const ALL: [WordSet; 15] = [
        WordSet::NotName,
        WordSet::NameStop,
        WordSet::NameGroup,
        WordSet::NameForce,
        WordSet::NameConnector,
        WordSet::Determiner,
        WordSet::AllyWord,
        WordSet::SourcePrep,
        WordSet::Alongside,
        WordSet::PassiveAux,
        WordSet::ClausePronoun,
        WordSet::AreaRef,
        WordSet::OutOf,
        WordSet::Result,
        WordSet::Death,
    ];

    fn parse(s: &str) -> Option<WordSet> {
        Some(match s {
            "not_name" => WordSet::NotName,
            "name_stop" => WordSet::NameStop,
            "name_group" => WordSet::NameGroup,
            "name_force" => WordSet::NameForce,
            "name_connector" => WordSet::NameConnector,
            "determiner" => WordSet::Determiner,
            "ally_word" => WordSet::AllyWord,
            "source_prep" => WordSet::SourcePrep,
            "alongside" => WordSet::Alongside,
            "passive_aux" => WordSet::PassiveAux,
            "clause_pronoun" => WordSet::ClausePronoun,
            "area_ref" => WordSet::AreaRef,
            "out_of" => WordSet::OutOf,
            "result" => WordSet::Result,
            "death" => WordSet::Death,
            _ => return None,
        })
    }
}

impl Marker {
    fn parse(s: &str) -> Option<Marker> {
        Some(match s {
            "prep" => Marker::Prep,
            "against" => Marker::Against,
            "weak_prep" => Marker::WeakPrep,
            "with" => Marker::With,
            "locative" => Marker::Locative,
            "border" => Marker::Border,
            "between" => Marker::Between,
            "between_pair" => Marker::BetweenPair,
            "and" => Marker::And,
            "negation" => Marker::Negation,
            "wide_negation" => Marker::WideNegation,
            "agent" => Marker::Agent,
            "led_by" => Marker::LedBy,
            "jihadist_ref" => Marker::JihadistRef,
            "place_ref" => Marker::PlaceRef,
            "base_ref" => Marker::BaseRef,
            "pair_ref" => Marker::PairRef,
            "group_ref" => Marker::GroupRef,
            "relative" => Marker::Relative,
            "clause" => Marker::Clause,
            "neutral" => Marker::Neutral,
            "ending" => Marker::Ending,
            "subordinator" => Marker::Subordinator,
            "pronoun_object" => Marker::PronounObject,
            "pronoun_subject" => Marker::PronounSubject,
            "head_group" => Marker::HeadGroup,
            "description" => Marker::Description,
            "head_place" => Marker::HeadPlace,
            "head_base" => Marker::HeadBase,
            "title" => Marker::Title,
            "including" => Marker::Including,
            "target_noun" => Marker::TargetNoun,
            "head_facility" => Marker::HeadFacility,
            "head_place_after" => Marker::HeadPlaceAfter,
            "claim" => Marker::Claim,
            "attempt" => Marker::Attempt,
            _ => return None,
        })
    }
}

/// What a pattern of the trie stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// An entity alias (index into [`Lexicon::entities`]).
    Entity(u32),
    /// A relation trigger (index into [`Lexicon::triggers`]).
    Trigger(u32),
    /// A function word.
    Marker(Marker),
}

/// One pattern of the trie.
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// What it stands for.
    pub term: Term,
    /// Arabic pattern (clitic prefixes allowed) or Latin (whole words only).
    pub arabic: bool,
    /// The Arabic pattern starts with the article ال.
    pub has_article: bool,
    /// The ال-less variant used after the preposition ل (للقاعدة).
    pub lam_variant: bool,
}

/// Entities, triggers and markers compiled for matching.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// All entities.
    pub entities: Vec<EntityDef>,
    /// All triggers.
    pub triggers: Vec<TriggerDef>,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) trie: Trie,
    pub(crate) by_name: HashMap<String, u32>,
    pub(crate) word_sets: [HashSet<String>; WordSet::ALL.len()],
    /// Normalized alias → index into `patterns`.
    pub(crate) phrases: HashMap<String, usize>,
    /// Month and weekday names and the words around dates.
    pub dates: DateWords,
}

struct Builder {
    entities: Vec<EntityDef>,
    triggers: Vec<TriggerDef>,
    strings: Vec<String>,
    patterns: Vec<Pattern>,
    seen: HashMap<String, usize>,
    word_sets: [HashSet<String>; WordSet::ALL.len()],
}

fn is_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

impl Builder {
    fn add(&mut self, alias: &str, term: Term) {
        let n = normalize(alias);
        if n.is_empty() {
            return;
        }
        let arabic = is_arabic(&n);
        let has_article = arabic && n.starts_with("ال") && n.chars().count() > 3;
        self.push(n.clone(), Pattern { term, arabic, has_article, lam_variant: false });
        if has_article {
            self.push(n["ا".len()..].to_string(), Pattern { term, arabic, has_article, lam_variant: true });
        }
    }

    fn push(&mut self, n: String, p: Pattern) {
        if self.seen.contains_key(&n) {
            return;
        }
        self.seen.insert(n.clone(), self.patterns.len());
        self.strings.push(n);
        self.patterns.push(p);
    }
}

/// Split `key: a | b | c` lines; returns the key and the values.
fn alias_line(line: &str) -> Option<(&str, impl Iterator<Item = &str>)> {
    let (key, rest) = line.split_once(':')?;
    Some((key.trim(), rest.split('|').map(str::trim).filter(|s| !s.is_empty())))
}

/// An `en: a | b` or `ar: a | b` line: its language key and values, or the error to report at
/// `file:no` (`item` names what the values are, e.g. "alias", "word").
pub(crate) fn language_line<'a>(
    file: &str,
    no: usize,
    line: &'a str,
    item: &str,
) -> Result<(&'a str, impl Iterator<Item = &'a str>), ExtractError> {
    let Some((key, values)) = alias_line(line) else {
        return Err(parse_error(file, no, format!("expected 'en: {item} | {item}' or 'ar: {item} | {item}'")));
    };
    if key != "en" && key != "ar" {
        return Err(parse_error(file, no, format!("unknown key '{key}', expected 'en' or 'ar'")));
    }
    Ok((key, values))
}

/// The lines of a lexicon data file that carry data, with their 1-based numbers: trimmed, blank
/// lines and `#` comments left out.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| (i + 1, raw.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

pub(crate) fn parse_error(file: &str, line: usize, message: impl Into<String>) -> ExtractError {
    ExtractError::LexiconParse { file: file.to_string(), line, message: message.into() }
}

fn parse_entities(b: &mut Builder, file: &str, text: &str) -> Result<(), ExtractError> {
    let mut sahel_section = false;
    let mut country_section: Option<String> = None;
    let mut current: Option<usize> = None;
    for (no, line) in data_lines(text) {
        if let Some(directive) = line.strip_prefix('%') {
            match directive.trim() {
                "sahel on" => sahel_section = true,
                "sahel off" => sahel_section = false,
                "country none" => country_section = None,
                d if d.starts_with("country ") => country_section = Some(d["country ".len()..].trim().to_string()),
                other => return Err(parse_error(file, no, format!("unknown directive '%{other}'"))),
            }
            continue;
        }
        if let Some(head) = line.strip_prefix('@') {
            let mut parts = head.split('|').map(str::trim);
            let name = parts.next().unwrap_or("").to_string();
            if name.is_empty() {
                return Err(parse_error(file, no, "expected '@ NAME | Label' with a name"));
            }
            let labels: Vec<String> =
                parts.next().unwrap_or("").split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            if labels.is_empty() {
                return Err(parse_error(file, no, format!("entity '{name}' needs a label after '|'")));
            }
            let mut def = EntityDef {
                name,
                labels,
                name_ar: None,
                aliases: Vec::new(),
                sahel_target: None,
                sahel: sahel_section,
                by_country: Vec::new(),
                prefer: Vec::new(),
                members: Vec::new(),
                country: country_section.clone(),
                jihadist: false,
                region: false,
                from: None,
                until: None,
                before: None,
                after: None,
            };
            for attr in parts {
                if attr == "sahel" {
                    def.sahel = true;
                } else if attr == "jihadist" {
                    def.jihadist = true;
                } else if attr == "region" {
                    def.region = true;
                } else if let Some((k, v)) = attr.split_once('=') {
                    let (k, v) = (k.trim(), v.trim().to_string());
                    if k == "sahel" {
                        def.sahel_target = Some(v);
                    } else if k == "members" {
                        def.members = v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                    } else if k == "prefer" {
                        def.prefer = v.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
                    } else if k == "country" {
                        def.country = Some(v);
                    } else if k == "from" || k == "until" {
                        let Some(d) = PartialDate::parse_iso(&v) else {
                            return Err(parse_error(
                                file,
                                no,
                                format!("'{k}=' needs a date YYYY-MM-DD, YYYY-MM or YYYY, found '{v}'"),
                            ));
                        };
                        *if k == "from" { &mut def.from } else { &mut def.until } = Some(d);
                    } else if k == "before" {
                        def.before = Some(v);
                    } else if k == "after" {
                        def.after = Some(v);
                    } else {
                        def.by_country.push((k.to_string(), v));
                    }
                } else if !attr.is_empty() {
                    return Err(parse_error(file, no, format!("unknown attribute '{attr}'")));
                }
            }
            let id = b.entities.len();
            if !def.is_generic() {
                let name = def.name.clone();
                b.add(&name, Term::Entity(id as u32));
                def.aliases.push(name);
            }
            b.entities.push(def);
            current = Some(id);
            continue;
        }
        let Some(id) = current else {
            return Err(parse_error(file, no, "alias line before any '@ NAME | Label' header"));
        };
        let (key, values) = language_line(file, no, line, "alias")?;
        for v in values {
            b.add(v, Term::Entity(id as u32));
            let def = &mut b.entities[id];
            if key == "ar" && def.name_ar.is_none() {
                def.name_ar = Some(v.to_string());
            }
            def.aliases.push(v.to_string());
        }
    }
    Ok(())
}

fn parse_triggers(b: &mut Builder, file: &str, text: &str) -> Result<(), ExtractError> {
    let mut current: Option<usize> = None;
    for (no, line) in data_lines(text) {
        if let Some(head) = line.strip_prefix('@') {
            let mut words = head.split_whitespace();
            let rel = words.next().unwrap_or("");
            let Some(relation) = RelationType::parse(rel) else {
                return Err(parse_error(file, no, format!("unknown relation '{rel}'")));
            };
            let mut def = TriggerDef {
                relation,
                mutual: false,
                passive: false,
                nominal: false,
                persons: false,
                site: false,
                expel: false,
            };
            for w in words {
                match w {
                    "mutual" => def.mutual = true,
                    "passive" => def.passive = true,
                    "nominal" => def.nominal = true,
                    "persons" => def.persons = true,
                    "site" => def.site = true,
                    "expel" => def.expel = true,
                    other => return Err(parse_error(file, no, format!("unknown trigger flag '{other}'"))),
                }
            }
            current = Some(b.triggers.len());
            b.triggers.push(def);
            continue;
        }
        let Some(id) = current else {
            return Err(parse_error(file, no, "trigger words before any '@ RELATION' header"));
        };
        let (_, values) = language_line(file, no, line, "word")?;
        for v in values {
            b.add(v, Term::Trigger(id as u32));
        }
    }
    Ok(())
}

fn parse_markers(b: &mut Builder, file: &str, text: &str) -> Result<(), ExtractError> {
    // `None`: before any header; `Some(Err(set))`: a word set; `Some(Ok(m))`: marker m.
    let mut current: Option<Result<Marker, WordSet>> = None;
    for (no, line) in data_lines(text) {
        if let Some(head) = line.strip_prefix('@') {
            let name = head.trim();
            if let Some(set) = WordSet::parse(name) {
                current = Some(Err(set));
                continue;
            }
            let Some(m) = Marker::parse(name) else {
                return Err(parse_error(file, no, format!("unknown marker kind '{name}'")));
            };
            current = Some(Ok(m));
            continue;
        }
        let Some(kind) = current else {
            return Err(parse_error(file, no, "marker words before any '@ kind' header"));
        };
        let (_, values) = language_line(file, no, line, "word")?;
        for v in values {
            match kind {
                Ok(m) => b.add(v, Term::Marker(m)),
                Err(set) => {
                    b.word_sets[set as usize].insert(normalize(v));
                }
            }
        }
    }
    Ok(())
}

impl Lexicon {
    /// The lexicon compiled into the binary from `lexicon/`.
    ///
    /// The embedded files are checked by the unit tests; should they ever fail to parse, an
    /// empty lexicon is returned rather than a panic.
    pub fn embedded() -> Lexicon {
        Lexicon::from_sources(
            ("entities.txt", EMBEDDED_ENTITIES),
            ("triggers.txt", EMBEDDED_TRIGGERS),
            ("markers.txt", EMBEDDED_MARKERS),
        )
        .unwrap_or_else(|_| Lexicon::empty())
    }

    fn empty() -> Lexicon {
        Lexicon {
            entities: Vec::new(),
            triggers: Vec::new(),
            patterns: Vec::new(),
            trie: Trie::new::<&str>(&[]),
            by_name: HashMap::new(),
            word_sets: Default::default(),
            phrases: HashMap::new(),
            dates: DateWords::default(),
        }
    }

    /// Load a lexicon directory: each of `entities.txt`, `triggers.txt`, `markers.txt` and
    /// `dates.txt` found there replaces the embedded one.
    ///
    /// # Errors
    /// [`ExtractError::MissingFile`] if `dir` does not exist, [`ExtractError::LexiconMissing`]
    /// if it holds none of the three files, [`ExtractError::LexiconParse`] with `file:line`
    /// for a bad line, [`ExtractError::Io`] for read failures.
    pub fn load_dir(dir: &Path) -> Result<Lexicon, ExtractError> {
        if !dir.is_dir() {
            return Err(ExtractError::MissingFile { path: dir.to_path_buf() });
        }
        let read = |name: &str, embedded: &'static str| -> Result<(String, String, bool), ExtractError> {
            let path = dir.join(name);
            if path.exists() {
                let text =
                    std::fs::read_to_string(&path).map_err(|source| ExtractError::Io { path: path.clone(), source })?;
                Ok((path.display().to_string(), text, true))
            } else {
                Ok((name.to_string(), embedded.to_string(), false))
            }
        };
        let e = read("entities.txt", EMBEDDED_ENTITIES)?;
        let t = read("triggers.txt", EMBEDDED_TRIGGERS)?;
        let m = read("markers.txt", EMBEDDED_MARKERS)?;
        let d = read("dates.txt", EMBEDDED_DATES)?;
        if !(e.2 || t.2 || m.2 || d.2) {
            return Err(ExtractError::LexiconMissing { path: dir.join("entities.txt") });
        }
        let mut lex = Lexicon::from_sources((&e.0, &e.1), (&t.0, &t.1), (&m.0, &m.1))?;
        if d.2 {
            lex.dates = DateWords::parse(&d.0, &d.1)?;
        }
        Ok(lex)
    }

    /// Build a lexicon from the texts of the three data files, each named for error messages.
    ///
    /// # Errors
    /// [`ExtractError::LexiconParse`] naming `file:line` for a line that cannot be parsed.
    pub fn from_sources(
        entities: (&str, &str),
        triggers: (&str, &str),
        markers: (&str, &str),
    ) -> Result<Lexicon, ExtractError> {
        let mut b = Builder {
            entities: Vec::new(),
            triggers: Vec::new(),
            strings: Vec::new(),
            patterns: Vec::new(),
            seen: HashMap::new(),
            word_sets: Default::default(),
        };
        parse_entities(&mut b, entities.0, entities.1)?;
        parse_triggers(&mut b, triggers.0, triggers.1)?;
        parse_markers(&mut b, markers.0, markers.1)?;
        for (s, m) in [(",", Marker::Comma), ("،", Marker::Comma), ("(", Marker::OpenParen), (")", Marker::CloseParen)]
        {
            b.push(
                s.to_string(),
                Pattern { term: Term::Marker(m), arabic: false, has_article: false, lam_variant: false },
            );
        }
        let by_name: HashMap<String, u32> =
            b.entities.iter().enumerate().map(|(i, e)| (e.name.clone(), i as u32)).collect();
        for (i, e) in b.entities.iter().enumerate() {
            let targets = e
                .sahel_target
                .iter()
                .chain(e.by_country.iter().map(|(_, t)| t))
                .chain(e.prefer.iter())
                .chain(e.members.iter())
                .chain(e.before.iter())
                .chain(e.after.iter());
            for t in targets {
                if !by_name.contains_key(t) {
                    return Err(parse_error(
                        entities.0,
                        0,
                        format!("entity '{}' refers to unknown entity '{t}'", b.entities[i].name),
                    ));
                }
            }
        }
        Ok(Lexicon {
            entities: b.entities,
            triggers: b.triggers,
            trie: Trie::new(&b.strings),
            patterns: b.patterns,
            by_name,
            word_sets: b.word_sets,
            phrases: b.seen,
            dates: DateWords::parse("dates.txt", EMBEDDED_DATES)?,
        })
    }

    /// The entity with this canonical name.
    pub fn entity(&self, name: &str) -> Option<&EntityDef> {
        self.by_name.get(name).map(|&i| &self.entities[i as usize])
    }

    /// Whether a normalized word never starts an unknown name (adjectives after "جماعة").
    pub(crate) fn is_not_name(&self, word: &str) -> bool {
        self.in_set(WordSet::NotName, word)
    }

    /// What a whole normalized phrase stands for, if it is an alias, trigger or marker.
    pub(crate) fn phrase(&self, normalized: &str) -> Option<Term> {
        self.phrases.get(normalized).map(|&i| self.patterns[i].term)
    }

    /// Whether a normalized word is in one of the word sets of `markers.txt`.
    pub(crate) fn in_set(&self, set: WordSet, word: &str) -> bool {
        self.word_sets[set as usize].contains(word)
    }

    /// The canonical name a mention resolved to `name` takes on `date`: an entity outside its
    /// validity range (`from=`/`until=`) becomes its `before=`/`after=` entity, followed a few
    /// steps. A date that overlaps the range (a year containing `from`) keeps the name.
    pub fn name_at<'a>(&'a self, name: &'a str, date: PartialDate) -> &'a str {
        let mut name = name;
        for _ in 0..4 {
            let Some(def) = self.entity(name) else { break };
            let next = if def.from.is_some_and(|f| date.last_day() < f.first_day()) {
                def.before.as_deref()
            } else if def.until.is_some_and(|u| date.first_day() > u.last_day()) {
                def.after.as_deref()
            } else {
                None
            };
            match next {
                Some(n) => name = n,
                None => break,
            }
        }
        name
    }

    /// The name an entity had on `date` when `date` is wholly before the entity's `from`
    /// (`CMA` → `MNLA` in 2012); unlike [`Self::name_at`], `until` ranges are not followed.
    pub fn name_before<'a>(&'a self, name: &'a str, date: PartialDate) -> &'a str {
        let mut name = name;
        for _ in 0..4 {
            let Some(def) = self.entity(name) else { break };
            match def.before.as_deref().filter(|_| def.from.is_some_and(|f| date.last_day() < f.first_day())) {
                Some(n) => name = n,
                None => break,
            }
        }
        name
    }

    pub(crate) fn entity_id(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicon_parses() {
        let r = Lexicon::from_sources(
            ("entities.txt", EMBEDDED_ENTITIES),
            ("triggers.txt", EMBEDDED_TRIGGERS),
            ("markers.txt", EMBEDDED_MARKERS),
        );
        let lex = match r {
            Ok(l) => l,
            Err(e) => panic!("embedded lexicon: {e}"),
        };
        assert!(lex.entity("JNIM").is_some());
        assert!(lex.entity("Malian army").is_some());
        assert!(lex.triggers.len() >= 4);
    }

    #[test]
    fn validity_ranges() {
        let lex = Lexicon::embedded();
        let at = |n: &'static str, d: &str| lex.name_at(n, PartialDate::parse_iso(d).unwrap_or(PartialDate::y(0)));
        assert_eq!(at("JNIM", "2016-12"), "AQIM");
        assert_eq!(at("JNIM", "2017-03-02"), "JNIM");
        assert_eq!(at("JNIM", "2017"), "JNIM", "a year that overlaps the range keeps the name");
        assert_eq!(at("CMA", "2012-04"), "MNLA");
        assert_eq!(at("CMA", "2015"), "CMA");
        assert_eq!(at("Wagner Group", "2025-05-20"), "Wagner Group");
        assert_eq!(at("Wagner Group", "2025-08"), "Africa Corps");
        assert_eq!(at("FLA", "2024-06"), "CMA");
        assert_eq!(at("FLA", "2025"), "FLA");
        let bad = Lexicon::from_sources(("e.txt", "@ X | Place | from=March\n"), ("t.txt", ""), ("m.txt", ""));
        assert!(bad.is_err_and(|e| e.to_string().starts_with("e.txt:1: 'from=' needs a date")));
        let unknown = Lexicon::from_sources(("e.txt", "@ X | Place | before=Y\n"), ("t.txt", ""), ("m.txt", ""));
        assert!(unknown.is_err());
    }

    #[test]
    fn reports_file_and_line() {
        let r = Lexicon::from_sources(("e.txt", "@ X | Place\nzz: y\n"), ("t.txt", ""), ("m.txt", ""));
        match r {
            Err(e) => assert_eq!(e.to_string(), "e.txt:2: unknown key 'zz', expected 'en' or 'ar'"),
            Ok(_) => panic!("bad line accepted"),
        }
    }
}
