//! Front matter rules a site declares in `folio.toml`, checked on every
//! build and by `folio check`.
//!
//! ```toml
//! [[schema]]
//! section = "playbooks"                 # pages under content/playbooks/ (omit: all pages)
//! required = ["owner", "review_by"]
//! types = { owner = "string", review_by = "date", priority = "integer" }
//! allowed = { status = ["draft", "active", "retired"] }
//! ```
//!
//! A missing required key, a wrong type or a value outside `allowed` is an
//! error at the key's line; a `review_by` date in the past is a warning.

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::front_matter::is_date;
use crate::load::LoadedPage;

/// One rule: which pages, and what their front matter must hold.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaRule {
    /// Folder under `content/` the rule applies to (all pages when absent).
    #[serde(default)]
    pub section: Option<String>,
    /// Keys every page must have.
    #[serde(default)]
    pub required: Vec<String>,
    /// Expected type per key: `string`, `integer`, `number`, `boolean`, `date`, `list`.
    #[serde(default)]
    pub types: std::collections::BTreeMap<String, String>,
    /// Allowed values per key.
    #[serde(default)]
    pub allowed: std::collections::BTreeMap<String, Vec<Value>>,
}

/// The key whose date, once past, makes a page overdue for review.
pub const REVIEW_KEY: &str = "review_by";

/// Types a rule may name.
pub const TYPES: &[&str] = &["string", "integer", "number", "boolean", "date", "list"];

impl SchemaRule {
    /// True when the rule applies to the page `source` (project-relative).
    pub(crate) fn applies_to(&self, source: &str) -> bool {
        match &self.section {
            None => true,
            Some(section) => {
                let section = section.trim_matches('/');
                source
                    .strip_prefix("content/")
                    .is_some_and(|rel| rel.starts_with(&format!("{section}/")))
            }
        }
    }
}

/// A front matter value by key: known keys from their typed fields,
/// others from `extra`.
fn value_of(page: &LoadedPage, key: &str) -> Option<Value> {
    let f = &page.front;
    let text = |v: &Option<String>| v.clone().map(Value::String);
    match key {
        "title" => text(&f.title),
        "description" => text(&f.description),
        "date" => text(&f.date),
        "updated" => text(&f.updated),
        "featured" => f.featured.clone().map(|(v, _)| Value::String(v)),
        "template" => text(&f.template),
        "weight" => f.weight.map(Value::from),
        "tags" if !f.tags.is_empty() => Some(Value::from(f.tags.clone())),
        _ => f.extra.get(key).cloned(),
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "date" => value.as_str().is_some_and(is_date),
        "list" => value.is_array(),
        _ => true,
    }
}

/// Checks one page against every rule that applies to it. `today` is
/// `YYYY-MM-DD`, for overdue reviews.
pub fn check_page(rules: &[SchemaRule], page: &LoadedPage, today: &str) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let at = |key: &str, d: Diagnostic| {
        let line = page.front.line_of(key);
        d.in_file(page.source.clone()).at(&page.text, line, 1)
    };
    for rule in rules.iter().filter(|r| r.applies_to(&page.source)) {
        let scope = rule
            .section
            .as_deref()
            .map_or("every page".to_string(), |s| format!("pages in `{s}/`"));
        for key in &rule.required {
            if value_of(page, key).is_none() {
                diags.push(at(
                    key,
                    Diagnostic::error(format!(
                        "front matter has no `{key}`, which folio.toml requires for {scope}"
                    ))
                    .with_hint(format!("add a line `{key}: …` to the front matter")),
                ));
            }
        }
        for (key, ty) in &rule.types {
            if let Some(v) = value_of(page, key).filter(|v| !has_type(v, ty)) {
                diags.push(at(
                    key,
                    Diagnostic::error(format!(
                        "`{key}` must be a {ty} (folio.toml schema), not `{v}`"
                    ))
                    .with_hint(if ty == "date" {
                        "write a date like 2025-06-30".to_string()
                    } else {
                        format!("write `{key}` as a {ty}")
                    }),
                ));
            }
        }
        for (key, allowed) in &rule.allowed {
            if let Some(v) = value_of(page, key).filter(|v| !allowed.contains(v)) {
                let list: Vec<String> = allowed.iter().map(ToString::to_string).collect();
                diags.push(at(
                    key,
                    Diagnostic::error(format!(
                        "`{key}` is `{v}`, which is not one of {}",
                        list.join(", ")
                    ))
                    .with_hint("use one of the allowed values (see [[schema]] in folio.toml)"),
                ));
            }
        }
    }
    if let Some(Value::String(due)) = page.front.extra.get(REVIEW_KEY) {
        if is_date(due) && due.get(..10).is_some_and(|d| d < today) {
            diags.push(at(
                REVIEW_KEY,
                Diagnostic::warning(format!("review overdue: `{REVIEW_KEY}` was {due}"))
                    .with_hint("review the page, then move `review_by` forward"),
            ));
        }
    }
    diags
}

/// Problems in the rules themselves (unknown types).
pub fn check_rules(rules: &[SchemaRule]) -> Vec<Diagnostic> {
    rules
        .iter()
        .flat_map(|r| r.types.iter())
        .filter(|(_, ty)| !TYPES.contains(&ty.as_str()))
        .map(|(key, ty)| {
            Diagnostic::error(format!(
                "schema type `{ty}` for `{key}` is not one of {}",
                TYPES.join(", ")
            ))
            .in_file(crate::config::CONFIG_FILE)
        })
        .collect()
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    civil_from_days(days)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_page;

    fn page(source: &str, text: &str) -> LoadedPage {
        load_page(source, text.as_bytes(), &mut Vec::new()).unwrap()
    }

    fn rule() -> SchemaRule {
        toml::from_str(
            "section = \"playbooks\"\nrequired = [\"owner\", \"review_by\"]\ntypes = { review_by = \"date\", priority = \"integer\" }\nallowed = { status = [\"active\", \"retired\"] }\n",
        )
        .unwrap()
    }

    #[test]
    fn required_types_and_allowed_values() {
        let p = page(
            "content/playbooks/a.md",
            "---\ntitle: A\nreview_by: soon\npriority: high\nstatus: dormant\n---\n",
        );
        let d = check_page(&[rule()], &p, "2026-01-01");
        let found: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(d.len(), 4, "{found:?}");
        assert!(d[0].message.contains("no `owner`"));
        assert!(found
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("`review_by` must be a date")));
        assert!(found
            .iter()
            .any(|(l, m)| *l == 4 && m.contains("`priority` must be a integer")));
        assert!(found
            .iter()
            .any(|(l, m)| *l == 5 && m.contains("not one of \"active\", \"retired\"")));
        assert!(d.iter().all(Diagnostic::is_error));
    }

    #[test]
    fn rules_apply_to_their_section_only() {
        let p = page("content/guide/a.md", "---\ntitle: A\n---\n");
        assert!(check_page(&[rule()], &p, "2026-01-01").is_empty());
    }

    #[test]
    fn overdue_review_is_a_warning() {
        let p = page(
            "content/playbooks/a.md",
            "---\nowner: sam\nreview_by: 2025-01-31\n---\n",
        );
        let d = check_page(&[rule()], &p, "2026-11-25");
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error() && d[0].message.contains("overdue") && d[0].line == 3);
        assert!(check_page(&[rule()], &p, "2025-01-31").is_empty());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_597), "2026-05-24");
        assert_eq!(civil_from_days(11_016), "2000-02-29");
    }

    #[test]
    fn unknown_types_are_reported() {
        let mut r = rule();
        r.types.insert("x".into(), "colour".into());
        assert_eq!(check_rules(&[r]).len(), 1);
    }
}
