//! The configuration comparison of domain.md ("Configuration differences"):
//! what a target group lacks or has otherwise than the source group, and
//! the superset `align` builds. Pure functions over two configs, so `check`
//! and `align` agree by construction.

use crate::model::config::{Config, ConfigField, Label, Page, Product, Tab};
use crate::problem::{Code, Severity};
use serde::Serialize;
use std::fmt;

pub(crate) const FIELD_MISSING: Code = Code::ConfigFieldMissing;
pub(crate) const FIELD_TYPE_MISMATCH: Code = Code::ConfigFieldTypeMismatch;
pub(crate) const OPTION_MISSING: Code = Code::ConfigOptionMissing;
pub(crate) const LABEL_MISSING: Code = Code::ConfigLabelMissing;
pub(crate) const AGENDA_TYPE_MISSING: Code = Code::ConfigAgendaTypeMissing;
pub(crate) const PRODUCT_MISSING: Code = Code::ConfigProductMissing;
pub(crate) const PRODUCT_UNIT_DIFFERS: Code = Code::ConfigProductUnitDiffers;
pub(crate) const LABEL_DIFFERS: Code = Code::ConfigLabelDiffers;

/// The element of the configuration a difference is about. It is also what
/// the difference's record count counts (see `usage.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "element", rename_all = "snake_case")]
pub enum Element {
    /// Only for a tab label that differs: a missing tab shows as its
    /// missing fields (domain.md).
    Tab {
        /// The page's key.
        page: String,
        /// The tab's key.
        tab: String,
    },
    /// A field.
    Field {
        /// The field's `page.tab.field` address.
        address: String,
    },
    /// A choice option of a field.
    Option {
        /// The field's `page.tab.field` address.
        address: String,
        /// The option's value.
        option: String,
    },
    /// A report label.
    ReportLabel {
        /// The label's key.
        key: String,
    },
    /// An agenda type.
    AgendaType {
        /// The agenda type's key.
        key: String,
    },
    /// A product.
    Product {
        /// The product's code.
        code: String,
    },
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Tab { page, tab } => write!(f, "tab `{page}.{tab}`"),
            Element::Field { address } => write!(f, "field `{address}`"),
            Element::Option { address, option } => {
                write!(f, "option `{option}` of field `{address}`")
            }
            Element::ReportLabel { key } => write!(f, "report label `{key}`"),
            Element::AgendaType { key } => write!(f, "agenda type `{key}`"),
            Element::Product { code } => write!(f, "product `{code}`"),
        }
    }
}

/// One difference, source group -> target group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The difference's problem code (`config-field-missing`, …).
    pub code: Code,
    /// An error must be settled (by `align` or a person) before the
    /// handover; a warning (a label that reads otherwise) loses nothing.
    pub(crate) severity: Severity,
    /// What it is about (flattened into the JSON: `element` plus its keys).
    #[serde(flatten)]
    pub element: Element,
    /// What differs, in words (without the element's name).
    pub detail: String,
    /// Whether `align` fixes it by appending to the target.
    pub(crate) fixable: bool,
}

impl Difference {
    fn missing(code: Code, element: Element, detail: String) -> Self {
        Difference {
            code,
            severity: Severity::Error,
            element,
            detail,
            fixable: true,
        }
    }

    fn conflict(code: Code, element: Element, detail: String) -> Self {
        Difference {
            code,
            severity: Severity::Error,
            element,
            detail,
            fixable: false,
        }
    }

    fn label(element: Element, source: &str, target: &str) -> Self {
        Difference {
            code: LABEL_DIFFERS,
            severity: Severity::Warning,
            element,
            detail: format!(
                "is labelled \"{source}\" on the source and \"{target}\" on the target"
            ),
            fixable: false,
        }
    }
}

/// Every difference between the source and the target config, in the
/// source's order: fields (page by page, tab by tab), report labels, agenda
/// types, products. What only the target has is no difference.
pub(crate) fn diff(source: &Config, target: &Config) -> Vec<Difference> {
    let mut out = Vec::new();
    for page in &source.pages {
        for tab in &page.tabs {
            diff_tab(
                &page.page,
                tab,
                find_tab(target, &page.page, &tab.key),
                &mut out,
            );
        }
    }
    diff_labels(
        &source.report_labels,
        &target.report_labels,
        LABEL_MISSING,
        &mut out,
        |key| Element::ReportLabel { key },
    );
    diff_labels(
        &source.agenda_types,
        &target.agenda_types,
        AGENDA_TYPE_MISSING,
        &mut out,
        |key| Element::AgendaType { key },
    );
    for p in &source.products {
        diff_product(p, target.product(&p.code), &mut out);
    }
    out
}

fn find_tab<'a>(config: &'a Config, page: &str, tab: &str) -> Option<&'a Tab> {
    let page = config.pages.iter().find(|p| p.page == page)?;
    page.tabs.iter().find(|t| t.key == tab)
}

fn diff_tab(page: &str, source: &Tab, target: Option<&Tab>, out: &mut Vec<Difference>) {
    if let Some(t) = target.filter(|t| t.label != source.label) {
        let element = Element::Tab {
            page: page.to_owned(),
            tab: source.key.clone(),
        };
        out.push(Difference::label(element, &source.label, &t.label));
    }
    for field in &source.fields {
        let address = format!("{page}.{}.{}", source.key, field.key);
        let found = target.and_then(|t| t.fields.iter().find(|f| f.key == field.key));
        match found {
            None => out.push(field_missing(address, field, target.is_none())),
            Some(t) => diff_field(address, field, t, out),
        }
    }
}

fn field_missing(address: String, field: &ConfigField, tab_missing: bool) -> Difference {
    let tab = if tab_missing {
        " (its tab is missing too)"
    } else {
        ""
    };
    let detail = format!(
        "({}, \"{}\") is missing{tab}",
        field.kind.name(),
        field.label
    );
    Difference::missing(FIELD_MISSING, Element::Field { address }, detail)
}

fn diff_field(
    address: String,
    source: &ConfigField,
    target: &ConfigField,
    out: &mut Vec<Difference>,
) {
    if source.kind != target.kind {
        let detail = format!(
            "is {} on the source and {} on the target",
            source.kind.name(),
            target.kind.name()
        );
        out.push(Difference::conflict(
            FIELD_TYPE_MISMATCH,
            Element::Field { address },
            detail,
        ));
        return;
    }
    // Options are compared only between fields of one type: across a type
    // conflict they mean nothing until a person has resolved it.
    let target_options = target.options.as_deref().unwrap_or_default();
    for option in source.options.iter().flatten() {
        if !target_options.contains(option) {
            let element = Element::Option {
                address: address.clone(),
                option: option.clone(),
            };
            out.push(Difference::missing(
                OPTION_MISSING,
                element,
                "is missing".into(),
            ));
        }
    }
    if source.label != target.label {
        out.push(Difference::label(
            Element::Field { address },
            &source.label,
            &target.label,
        ));
    }
}

fn diff_labels(
    source: &[Label],
    target: &[Label],
    missing_code: Code,
    out: &mut Vec<Difference>,
    element: impl Fn(String) -> Element,
) {
    for l in source {
        match target.iter().find(|t| t.key == l.key) {
            None => {
                let detail = format!("(\"{}\") is missing", l.label);
                out.push(Difference::missing(
                    missing_code,
                    element(l.key.clone()),
                    detail,
                ));
            }
            Some(t) if t.label != l.label => out.push(Difference::label(
                element(l.key.clone()),
                &l.label,
                &t.label,
            )),
            Some(_) => {}
        }
    }
}

fn diff_product(source: &Product, target: Option<&Product>, out: &mut Vec<Difference>) {
    let element = || Element::Product {
        code: source.code.clone(),
    };
    let Some(t) = target else {
        let detail = format!("(\"{}\", per {}) is missing", source.label, source.unit);
        out.push(Difference::missing(PRODUCT_MISSING, element(), detail));
        return;
    };
    if t.unit != source.unit {
        let detail = format!(
            "is counted per {} on the source and per {} on the target",
            source.unit, t.unit
        );
        out.push(Difference::conflict(
            PRODUCT_UNIT_DIFFERS,
            element(),
            detail,
        ));
    }
    if t.label != source.label {
        out.push(Difference::label(element(), &source.label, &t.label));
    }
}

/// How the target compares as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Same fingerprint.
    Equal,
    /// Everything the source has is there (labels may read otherwise,
    /// which is a warning, not a gap); the target may have more.
    Superset,
    /// At least one error: something is missing or conflicts.
    Differs,
}

impl State {
    /// The state of `target` against `source`, given their `differences`.
    pub(crate) fn of(source: &Config, target: &Config, differences: &[Difference]) -> State {
        if source.fingerprint() == target.fingerprint() {
            State::Equal
        } else if differences.iter().any(|d| d.severity == Severity::Error) {
            State::Differs
        } else {
            State::Superset
        }
    }

    /// The state's lowercase name, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            State::Equal => "equal",
            State::Superset => "superset",
            State::Differs => "differs",
        }
    }
}

/// The target with everything appended that the source has and the target
/// lacks, in the source's order: missing pages and tabs whole, missing
/// fields at the end of their tab, missing options at the end of their
/// field, labels, agenda types and products at the end of their list.
/// Nothing is removed, retyped or relabelled: a conflict stays for a person.
pub(crate) fn superset(source: &Config, target: &Config) -> Config {
    let mut out = target.clone();
    for page in &source.pages {
        merge_page(&mut out.pages, page);
    }
    append_missing(&mut out.report_labels, &source.report_labels, |l| &l.key);
    append_missing(&mut out.agenda_types, &source.agenda_types, |l| &l.key);
    append_missing(&mut out.products, &source.products, |p| &p.code);
    out
}

fn merge_page(pages: &mut Vec<Page>, source: &Page) {
    match pages.iter_mut().find(|p| p.page == source.page) {
        None => pages.push(source.clone()),
        Some(page) => source
            .tabs
            .iter()
            .for_each(|t| merge_tab(&mut page.tabs, t)),
    }
}

fn merge_tab(tabs: &mut Vec<Tab>, source: &Tab) {
    match tabs.iter_mut().find(|t| t.key == source.key) {
        None => tabs.push(source.clone()),
        Some(tab) => source
            .fields
            .iter()
            .for_each(|f| merge_field(&mut tab.fields, f)),
    }
}

fn merge_field(fields: &mut Vec<ConfigField>, source: &ConfigField) {
    match fields.iter_mut().find(|f| f.key == source.key) {
        None => fields.push(source.clone()),
        Some(field) if field.kind == source.kind => {
            if let (Some(to), Some(from)) = (field.options.as_mut(), source.options.as_ref()) {
                append_missing(to, from, |o| o);
            }
        }
        Some(_) => {}
    }
}

fn append_missing<T: Clone>(to: &mut Vec<T>, from: &[T], key: impl Fn(&T) -> &String) {
    for item in from {
        if !to.iter().any(|t| key(t) == key(item)) {
            to.push(item.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::FieldKind;

    fn field(key: &str, kind: FieldKind, options: Option<&[&str]>) -> ConfigField {
        ConfigField {
            key: key.into(),
            label: key.to_uppercase(),
            kind,
            options: options.map(|o| o.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn label(key: &str, text: &str) -> Label {
        Label {
            key: key.into(),
            label: text.into(),
        }
    }

    fn product(code: &str, unit: &str) -> Product {
        Product {
            code: code.into(),
            label: code.into(),
            unit: unit.into(),
        }
    }

    fn config(tabs: Vec<(&str, &str, Vec<ConfigField>)>) -> Config {
        let mut c = Config::default();
        for (page, tab, fields) in tabs {
            let t = Tab {
                key: tab.into(),
                label: tab.to_uppercase(),
                fields,
            };
            match c.pages.iter_mut().find(|p| p.page == page) {
                Some(p) => p.tabs.push(t),
                None => c.pages.push(Page {
                    page: page.into(),
                    tabs: vec![t],
                }),
            }
        }
        c
    }

    fn source() -> Config {
        let mut c = config(vec![
            (
                "plan",
                "doelen",
                vec![
                    field("hoofddoel", FieldKind::Text, None),
                    field("mobiliteit", FieldKind::Choice, Some(&["a", "b", "c"])),
                    field("dagdelen", FieldKind::Number, None),
                ],
            ),
            (
                "gegevens",
                "wonen",
                vec![field("kamer", FieldKind::Text, None)],
            ),
        ]);
        c.report_labels = vec![
            label("algemeen", "Algemeen"),
            label("medicatie", "Medicatie"),
        ];
        c.agenda_types = vec![label("afspraak", "Afspraak")];
        c.products = vec![product("45A48", "minuut"), product("43A28", "dagdeel")];
        c
    }

    fn target() -> Config {
        let mut c = config(vec![(
            "plan",
            "doelen",
            vec![
                field("hoofddoel", FieldKind::Text, None),
                field("mobiliteit", FieldKind::Choice, Some(&["a", "c", "x"])),
                field("dagdelen", FieldKind::Text, None),
                field("wensen", FieldKind::Text, None),
            ],
        )]);
        c.report_labels = vec![label("algemeen", "Algemeen"), label("nacht", "Nacht")];
        c.agenda_types = vec![label("afspraak", "Afspraak extern")];
        c.products = vec![product("43A28", "uur")];
        c
    }

    fn codes(d: &[Difference]) -> Vec<(Code, String)> {
        d.iter().map(|d| (d.code, d.element.to_string())).collect()
    }

    #[test]
    fn equal_configs_have_no_differences() {
        let s = source();
        assert!(diff(&s, &s).is_empty());
        assert_eq!(State::of(&s, &s, &[]), State::Equal);
    }

    #[test]
    fn every_kind_of_difference_in_source_order() {
        let d = diff(&source(), &target());
        assert_eq!(
            codes(&d),
            vec![
                (
                    OPTION_MISSING,
                    "option `b` of field `plan.doelen.mobiliteit`".into()
                ),
                (FIELD_TYPE_MISMATCH, "field `plan.doelen.dagdelen`".into()),
                (FIELD_MISSING, "field `gegevens.wonen.kamer`".into()),
                (LABEL_MISSING, "report label `medicatie`".into()),
                (LABEL_DIFFERS, "agenda type `afspraak`".into()),
                (PRODUCT_MISSING, "product `45A48`".into()),
                (PRODUCT_UNIT_DIFFERS, "product `43A28`".into()),
            ]
        );
        assert!(d[2].detail.contains("tab is missing"), "{}", d[2].detail);
        assert_eq!(d[4].severity, Severity::Warning);
        assert_eq!(State::of(&source(), &target(), &d), State::Differs);
    }

    #[test]
    fn only_gaps_are_fixable() {
        for d in diff(&source(), &target()) {
            let gap = matches!(
                d.code,
                FIELD_MISSING
                    | OPTION_MISSING
                    | LABEL_MISSING
                    | AGENDA_TYPE_MISSING
                    | PRODUCT_MISSING
            );
            assert_eq!(d.fixable, gap, "{}", d.code);
        }
    }

    #[test]
    fn superset_fixes_the_gaps_and_keeps_the_rest() {
        let (s, t) = (source(), target());
        let merged = superset(&s, &t);
        let left = diff(&s, &merged);
        assert!(left.iter().all(|d| !d.fixable), "{:?}", codes(&left));
        assert_eq!(left.len(), 3, "{:?}", codes(&left));
        // Appended in the source's order, never removed or retyped.
        let mob = merged
            .field("plan.doelen.mobiliteit")
            .and_then(|f| f.options.clone());
        assert_eq!(
            mob,
            Some(vec!["a".into(), "c".into(), "x".into(), "b".into()])
        );
        assert_eq!(
            merged.field("plan.doelen.dagdelen").map(|f| f.kind),
            Some(FieldKind::Text)
        );
        assert!(merged.field("plan.doelen.wensen").is_some());
        assert!(merged.field("gegevens.wonen.kamer").is_some());
        let labels: Vec<&str> = merged
            .report_labels
            .iter()
            .map(|l| l.key.as_str())
            .collect();
        assert_eq!(labels, ["algemeen", "nacht", "medicatie"]);
        assert_eq!(merged.agenda_types[0].label, "Afspraak extern");
        assert_eq!(
            merged.product("43A28").map(|p| p.unit.as_str()),
            Some("uur")
        );
        assert_eq!(State::of(&s, &merged, &left), State::Differs);
    }

    #[test]
    fn a_fixed_target_without_conflicts_is_a_superset() {
        let s = source();
        let mut t = target();
        t.pages[0].tabs[0].fields[2].kind = FieldKind::Number;
        t.products[0].unit = "dagdeel".into();
        let merged = superset(&s, &t);
        let left = diff(&s, &merged);
        assert_eq!(
            codes(&left),
            vec![(LABEL_DIFFERS, "agenda type `afspraak`".into())]
        );
        assert_eq!(State::of(&s, &merged, &left), State::Superset);
        // Aligning twice changes nothing more.
        assert_eq!(superset(&s, &merged), merged);
    }

    #[test]
    fn a_missing_field_below_an_existing_tab_goes_at_its_end() {
        let s = config(vec![(
            "plan",
            "doelen",
            vec![
                field("a", FieldKind::Text, None),
                field("b", FieldKind::Text, None),
            ],
        )]);
        let t = config(vec![(
            "plan",
            "doelen",
            vec![
                field("a", FieldKind::Text, None),
                field("z", FieldKind::Text, None),
            ],
        )]);
        let merged = superset(&s, &t);
        let keys: Vec<&str> = merged.pages[0].tabs[0]
            .fields
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(keys, ["a", "z", "b"]);
    }

    #[test]
    fn tab_and_field_labels_that_differ_are_warnings() {
        let s = source();
        let mut t = s.clone();
        t.pages[0].tabs[0].label = "Anders".into();
        t.pages[0].tabs[0].fields[0].label = "Ander doel".into();
        let d = diff(&s, &t);
        assert_eq!(
            codes(&d),
            vec![
                (LABEL_DIFFERS, "tab `plan.doelen`".into()),
                (LABEL_DIFFERS, "field `plan.doelen.hoofddoel`".into()),
            ]
        );
        assert_eq!(State::of(&s, &t, &d), State::Superset);
    }
}
