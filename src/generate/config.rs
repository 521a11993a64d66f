//! The group configuration of a generated account.

use crate::model::Config;
use crate::model::config::{ConfigField, FieldKind, Label, Page, Product, Tab};

/// The configuration every generated group gets: every field type.
pub fn standard_config() -> Config {
    let field = |key: &str, label: &str, kind: FieldKind, options: Option<&[&str]>| ConfigField {
        key: key.into(),
        label: label.into(),
        kind,
        options: options.map(|o| o.iter().map(|s| s.to_string()).collect()),
    };
    let label = |key: &str, label: &str| Label {
        key: key.into(),
        label: label.into(),
    };
    Config {
        pages: vec![
            Page {
                page: "plan".into(),
                tabs: vec![Tab {
                    key: "doelen".into(),
                    label: "Doelen".into(),
                    fields: vec![
                        field("hoofddoel", "Hoofddoel", FieldKind::Textarea, None),
                        field(
                            "mobiliteit",
                            "Mobiliteit",
                            FieldKind::Choice,
                            Some(&["zelfstandig", "rollator", "rolstoel"]),
                        ),
                        field(
                            "hulpvragen",
                            "Hulpvragen",
                            FieldKind::MultiChoice,
                            Some(&["wonen", "werk", "financien", "gezondheid"]),
                        ),
                        field("evaluatiedatum", "Evaluatiedatum", FieldKind::Date, None),
                    ],
                }],
            },
            Page {
                page: "gegevens".into(),
                tabs: vec![Tab {
                    key: "algemeen".into(),
                    label: "Algemeen".into(),
                    fields: vec![
                        field("huisarts", "Huisarts", FieldKind::Text, None),
                        field("uren_per_week", "Uren per week", FieldKind::Number, None),
                        field("dieet", "Dieet", FieldKind::Boolean, None),
                    ],
                }],
            },
        ],
        report_labels: vec![
            label("algemeen", "Algemeen"),
            label("medicatie", "Medicatie"),
            label("incident", "Incident"),
        ],
        agenda_types: vec![label("afspraak", "Afspraak"), label("overleg", "Overleg")],
        products: vec![
            Product {
                code: "45A48".into(),
                label: "Begeleiding individueel".into(),
                unit: "minuut".into(),
            },
            Product {
                code: "43A28".into(),
                label: "Dagbesteding".into(),
                unit: "dagdeel".into(),
            },
        ],
    }
}
