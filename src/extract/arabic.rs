//! Arabic constructions the general attachment rules of [`super::attach`] do not read, and
//! their tests.
//!
//! Each rule here was needed by sentences of at least two real Arabic documents (the real
//! corpus in `tests/fixtures/real`, `../shared/news-dev`, the seed); its words are data in
//! `lexicon/` (marker kinds), never in code. The functions take the items of one sentence as
//! [`super::attach`] sees them and answer one question each; `attach` calls them at the
//! point where the construction would otherwise be misread. The tests use sentences written
//! for the project in the shape of the real ones.

#[cfg(test)]
mod tests {
    use crate::extract::{extract_document, Lexicon};

    fn triples(text: &str) -> Vec<(String, String, String)> {
        let lex = Lexicon::embedded();
        let x = extract_document(&lex, "t", text);
        x.relations.iter().map(|r| (r.subject.clone(), r.relation.as_str().to_string(), r.object.clone())).collect()
    }

    fn has(t: &[(String, String, String)], s: &str, r: &str, o: &str) -> bool {
        t.iter().any(|(a, b, c)| a == s && b == r && c == o)
    }

    #[test]
    fn a_list_then_an_aside_between_commas_then_under_control() {
        let t = triples(
            "بحلول الربيع، كانت تساليت وأنفيس، وهما بلدتان صغيرتان في إقليم كيدال الواقع شمال البلاد، تحت سيطرة الحركة الوطنية لتحرير أزواد.",
        );
        assert!(has(&t, "MNLA", "CONTROLS", "Tessalit") && has(&t, "MNLA", "CONTROLS", "Anefis"), "{t:?}");
        assert!(!has(&t, "MNLA", "CONTROLS", "Kidal"), "{t:?}");
    }

    #[test]
    fn an_area_noun_right_after_the_trigger_names_the_object() {
        let t = triples("قام الجيش المالي بمحاصرة منطقة بير لعدة أيام.");
        assert!(has(&t, "Malian army", "ATTACKED", "Ber"), "{t:?}");
        let t = triples("هاجمت جماعة نصرة الإسلام والمسلمين دورية للجيش المالي في منطقة بير.");
        assert!(!has(&t, "JNIM", "ATTACKED", "Ber"), "{t:?}");
    }
}
