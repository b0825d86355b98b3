//! Message templates with `{name}` placeholders. Each rule kind declares the
//! placeholders it can fill, and a template naming any other is rejected when
//! the rule file is loaded, not when the first finding is rendered.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `text`; `{{` and `}}` stand for literal braces. Returns the
    /// reason when a brace is unbalanced or a name is not in `allowed`.
    pub fn parse(text: &str, allowed: &[&str]) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    buf.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    buf.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for n in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    if !closed {
                        return Err(format!("`{{{name}` is not closed with `}}`"));
                    }
                    let name = name.trim().to_string();
                    if !allowed.contains(&name.as_str()) {
                        return Err(format!(
                            "unknown placeholder `{{{name}}}` (this rule kind offers: {})",
                            allowed
                                .iter()
                                .map(|a| format!("{{{a}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if !buf.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut buf)));
                    }
                    parts.push(Part::Var(name));
                }
                '}' => return Err("a lone `}` (write `}}` for a literal brace)".to_string()),
                c => buf.push(c),
            }
        }
        if !buf.is_empty() {
            parts.push(Part::Text(buf));
        }
        Ok(Template { parts })
    }

    /// Fills the placeholders; a value the check did not provide renders empty.
    pub fn render(&self, values: &BTreeMap<&str, String>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => {
                    if let Some(val) = values.get(v.as_str()) {
                        out.push_str(val);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_validates() {
        let t = Template::parse(
            "栏目「{column}」已{age_days}天未更新{{x}}",
            &["column", "age_days"],
        )
        .unwrap();
        let mut v = BTreeMap::new();
        v.insert("column", "工作动态".to_string());
        v.insert("age_days", "9".to_string());
        assert_eq!(t.render(&v), "栏目「工作动态」已9天未更新{x}");
        let err = Template::parse("{colum}", &["column"]).unwrap_err();
        assert!(err.contains("{colum}") && err.contains("{column}"), "{err}");
        assert!(Template::parse("{column", &["column"]).is_err());
        assert!(Template::parse("a}b", &["column"]).is_err());
    }
}
