//! The text form of `audit inspect`: each field with the value taken and
//! where it came from, then the candidates set aside and why; the
//! 上一篇/下一篇 entries and their targets; a list page's items and the link
//! groups that were not its list. The words are `[labels.*.inspect]`.

use std::fmt::Write;

use super::labels::Labels;
use crate::extract::trace::Candidate;
use crate::inspect::Inspection;

/// The inspection as a person reads it.
pub fn render(v: &Inspection, w: &Labels) -> String {
    let word = |k: &str| w.inspect_word(k).to_string();
    let fill = |k: &str, values: &[(&str, String)]| Labels::fill(w.inspect_word(k), values);
    let mut out = String::new();
    let colon = w.colon.clone();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("{}{colon}{}", word("page"), v.url));
    if let Some(f) = &v.file {
        line(format!("{}{colon}{f}", word("file")));
    }
    line(format!("{}{colon}{}", word("status"), v.status));
    if let Some(e) = &v.error {
        line(format!("{}{colon}{e}", word("error")));
    }
    line(format!(
        "{}{colon}{} — {}",
        word("kind"),
        word(&format!("page_{}", v.kind)),
        word(&format!("why_{}", v.kind_reason))
    ));
    if let Some(b) = &v.base {
        line(format!("{}{colon}{b}", word("base")));
    }
    let none = word("none");
    let shown = |o: &Option<String>| o.clone().unwrap_or_else(|| none.clone());
    let fields: [(&str, String); 5] = [
        ("title", v.title.clone()),
        ("publish_date", shown(&v.publish_date)),
        ("document_date", shown(&v.document_date)),
        ("source", shown(&v.source)),
        ("column", shown(&v.column)),
    ];
    for (key, value) in fields {
        line(format!("{}{colon}{value}", word(key)));
        for c in v.fields.get(key).map(Vec::as_slice).unwrap_or_default() {
            line(candidate(c, w, &colon));
        }
    }
    if let Some(u) = &v.column_url {
        line(format!("{}{colon}{u}", word("column_url")));
    }
    if !v.categories.is_empty() {
        line(format!(
            "{}{colon}{}",
            word("categories"),
            v.categories.join(&w.enumeration)
        ));
    }
    for key in ["index_no", "doc_number"] {
        if let Some(val) = v.info.get(key) {
            line(format!("{}{colon}{val}", word(key)));
        }
    }
    for n in &v.nav {
        let mut s = format!("{}{colon}{}", word(n.which), n.text);
        if n.placeholder {
            s.push_str(&w.with_aside("", &word("placeholder")));
        }
        if let Some(u) = &n.url {
            let _ = write!(s, " → {u}");
        }
        line(s);
        if let Some(t) = &n.target {
            let verdict = if t.title_matches {
                word("target_matches")
            } else {
                word("target_differs")
            };
            let mut s = format!(
                "    {}{colon}{} {} 「{}」 {verdict}",
                word("target"),
                t.status,
                word(&format!("page_{}", t.kind)),
                t.title
            );
            if let Some(e) = &t.error {
                let _ = write!(s, " ({e})");
            }
            line(s);
        }
    }
    if let Some(list) = &v.list {
        let head = match list.shows {
            "placeholder" => fill(
                "list_placeholder",
                &[("text", list.placeholder.clone().unwrap_or_default())],
            ),
            "unread" => match &list.loader {
                Some(l) => format!(
                    "{}{}{}",
                    word("list_unread"),
                    word("separator"),
                    fill("list_loader", &[("loader", l.clone())])
                ),
                None => word("list_unread"),
            },
            _ => fill("list_items", &[("count", list.count.to_string())]),
        };
        line(format!("{}{colon}{head}", word("list")));
        for it in &list.items {
            let date = it
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "----------".into());
            line(format!("    {date}  {}  {}", it.title, it.url));
        }
        if list.count > list.items.len() {
            line(format!(
                "    {}",
                fill(
                    "more_items",
                    &[("count", (list.count - list.items.len()).to_string())]
                )
            ));
        }
        if !list.groups.is_empty() {
            line(format!("{}{}", word("groups"), colon.trim_end()));
            for g in &list.groups {
                let heading = g
                    .heading
                    .as_deref()
                    .map(|h| format!(" 「{h}」"))
                    .unwrap_or_default();
                let why = match g.set_aside {
                    None => format!("✓ {}", word("group_list")),
                    Some(k) => format!(
                        "× {}",
                        fill(
                            &format!("group_{k}"),
                            &[("detail", g.detail.clone().unwrap_or_default())]
                        )
                    ),
                };
                line(format!("    {}{heading} ×{}  {why}", g.element, g.items));
            }
        }
    }
    line(fill(
        "counts",
        &[
            ("body", v.body_chars.to_string()),
            ("links", v.links.to_string()),
            ("resources", v.resources.to_string()),
            ("pages", v.pagination.len().to_string()),
        ],
    ));
    out
}

/// `    ✓ 采用 [<span class="info"> 中的标签「发布时间」]：2019-03-14` or
/// `    × set aside [<meta name="PubDate">]: 2018-11-02 — lower priority`.
fn candidate(c: &Candidate, w: &Labels, colon: &str) -> String {
    let from = worded_from(c, w);
    match &c.set_aside {
        None => format!(
            "    ✓ {} [{from}]{colon}{}",
            w.inspect_word("taken"),
            c.value
        ),
        Some(why) => format!(
            "    × {} [{from}]{colon}{} — {}",
            w.inspect_word("set_aside"),
            c.value,
            w.inspect_word(&format!("aside_{why}"))
        ),
    }
}

/// Where a candidate came from, in the reader's language. The extractor
/// writes `from` in English (stable in JSON); its few forms are worded here
/// by `from_*`, and an element or a meta tag (`<meta name="PubDate">`) shows as it is.
fn worded_from(c: &Candidate, w: &Labels) -> String {
    let fill = |k: &str, values: &[(&str, String)]| Labels::fill(w.inspect_word(k), values);
    let from = c.from.as_str();
    if from.is_empty() {
        return c.origin.clone();
    }
    let fixed = [
        ("the line under the title", "from_info_line"),
        ("the page's URL", "from_url"),
        ("the last lines of the body", "from_body_end"),
        ("<!-- … -->", "from_comment"),
    ];
    if let Some((_, key)) = fixed.iter().find(|(f, _)| *f == from) {
        return w.inspect_word(key).to_string();
    }
    if let Some(rest) = from.strip_prefix("label ") {
        return match rest.split_once(" in ") {
            Some((label, element)) => fill(
                "from_label_in",
                &[("label", label.into()), ("element", element.into())],
            ),
            None => fill("from_label", &[("label", rest.into())]),
        };
    }
    if let Some(label) = from.strip_prefix("info-table row ") {
        return fill("from_table_row", &[("label", label.into())]);
    }
    if let Some(trail) = from.strip_prefix("breadcrumb ") {
        return fill("from_breadcrumb", &[("trail", trail.into())]);
    }
    if let Some(selector) = from.strip_prefix("[[profile]] ") {
        return fill("from_profile", &[("selector", selector.into())]);
    }
    if c.origin == "attribute"
        && let Some((attr, element)) = from.split_once("=\"…\" of ")
    {
        return fill(
            "from_attribute",
            &[("attribute", attr.into()), ("element", element.into())],
        );
    }
    from.to_string()
}
