//! The site model: page records joined into columns with their dated items,
//! and each page's categories. Site-level checks read only this.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::extract::record::{PageKind, PageRecord};
use crate::rules::RuleSet;

/// One dated entry of a column, from its list pages or from the article itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnItem {
    pub url: String,
    pub title: String,
    pub date: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// The column's list page, when known.
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// Items deduplicated by URL, newest first; undated items last.
    pub items: Vec<ColumnItem>,
}

impl Column {
    /// Dated items on or before `as_of`, newest first: what the site had published by then.
    pub fn dated_until(&self, as_of: Date) -> Vec<&ColumnItem> {
        self.items
            .iter()
            .filter(|i| i.date.is_some_and(|d| d <= as_of))
            .collect()
    }
}

#[derive(Debug, Default)]
pub struct Site {
    pub records: Vec<PageRecord>,
    pub by_url: HashMap<String, usize>,
    pub columns: Vec<Column>,
    /// Categories of each record, parallel to `records`.
    pub page_categories: Vec<Vec<String>>,
}

impl Site {
    pub fn build(records: Vec<PageRecord>, rules: &RuleSet) -> Site {
        let by_url: HashMap<String, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.url.clone(), i))
            .collect();

        // Columns are keyed by their list page URL when one is known, else by name.
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        let mut columns: Vec<Column> = Vec::new();
        let mut ensure = |name: &str, url: Option<&str>, columns: &mut Vec<Column>| -> usize {
            let key = match url {
                Some(u) => format!("url:{u}"),
                None => format!("name:{name}"),
            };
            if let Some(&i) = keys.get(&key) {
                if columns[i].name.is_empty() && !name.is_empty() {
                    columns[i].name = name.to_string();
                }
                return i;
            }
            columns.push(Column {
                name: name.to_string(),
                url: url.map(str::to_string),
                categories: Vec::new(),
                items: Vec::new(),
            });
            keys.insert(key, columns.len() - 1);
            columns.len() - 1
        };

        let mut items: Vec<BTreeMap<String, ColumnItem>> = Vec::new();
        let add = |col: usize,
                   item: ColumnItem,
                   authoritative: bool,
                   items: &mut Vec<BTreeMap<String, ColumnItem>>| {
            while items.len() <= col {
                items.push(BTreeMap::new());
            }
            let slot = &mut items[col];
            match slot.get_mut(&item.url) {
                Some(existing) => {
                    // The article's own publish date beats the date its list shows.
                    if authoritative && item.date.is_some() || existing.date.is_none() {
                        existing.date = item.date.or(existing.date);
                    }
                    if existing.title.is_empty() {
                        existing.title = item.title;
                    }
                }
                None => {
                    slot.insert(item.url.clone(), item);
                }
            }
        };

        for r in records.iter().filter(|r| r.kind == PageKind::List) {
            let name = r.column.clone().unwrap_or_else(|| r.title.clone());
            let col = ensure(
                &name,
                Some(r.column_url.as_deref().unwrap_or(&r.url)),
                &mut columns,
            );
            for it in &r.items {
                let item = ColumnItem {
                    url: it.url.clone(),
                    title: it.title.clone(),
                    date: it.date,
                };
                add(col, item, false, &mut items);
            }
        }
        for r in records.iter().filter(|r| r.kind == PageKind::Article) {
            let Some(name) = r.column.as_deref() else {
                continue;
            };
            // An article whose breadcrumb does not link its column joins the one column of that name.
            let url = r.column_url.clone().or_else(|| {
                let same: Vec<_> = columns.iter().filter(|c| c.name == name).collect();
                match same.as_slice() {
                    [one] => one.url.clone(),
                    _ => None,
                }
            });
            let col = ensure(name, url.as_deref(), &mut columns);
            let item = ColumnItem {
                url: r.url.clone(),
                title: r.title.clone(),
                date: r.publish_date,
            };
            add(col, item, true, &mut items);
        }
        for (i, c) in columns.iter_mut().enumerate() {
            c.categories = rules
                .column_categories(Some(&c.name), c.url.as_deref())
                .into_iter()
                .map(str::to_string)
                .collect();
            let mut list: Vec<ColumnItem> = items
                .get_mut(i)
                .map(std::mem::take)
                .unwrap_or_default()
                .into_values()
                .collect();
            list.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
            // Undated items sort last.
            list.sort_by_key(|i| i.date.is_none());
            c.items = list;
        }

        let page_categories = records
            .iter()
            .map(|r| {
                let mut cats: Vec<String> = Vec::new();
                for c in &rules.categories {
                    let by_column = r.column.is_some()
                        && c.matches_column(r.column.as_deref(), r.column_url.as_deref());
                    let by_url = c.urls.iter().any(|g| g.matches(&r.url));
                    let by_title = !r.title.is_empty() && c.matches_title(&r.title);
                    if by_column || by_url || by_title {
                        cats.push(c.id.clone());
                    }
                }
                cats
            })
            .collect();

        Site {
            records,
            by_url,
            columns,
            page_categories,
        }
    }

    pub fn get(&self, url: &str) -> Option<&PageRecord> {
        self.by_url.get(url).map(|&i| &self.records[i])
    }

    /// Records in any of `categories` (all records when `categories` is empty).
    pub fn pages_in<'a>(
        &'a self,
        categories: &'a [String],
    ) -> impl Iterator<Item = &'a PageRecord> + 'a {
        self.records
            .iter()
            .zip(&self.page_categories)
            .filter(move |(_, cats)| {
                categories.is_empty() || cats.iter().any(|c| categories.contains(c))
            })
            .map(|(r, _)| r)
    }

    /// Columns in any of `categories`.
    pub fn columns_in<'a>(
        &'a self,
        categories: &'a [String],
    ) -> impl Iterator<Item = &'a Column> + 'a {
        self.columns
            .iter()
            .filter(move |c| c.categories.iter().any(|k| categories.contains(k)))
    }
}
