//! The vocabulary extraction looks for: meta tag names, text labels,
//! breadcrumb markers, navigation labels and placeholders, body containers.
//! It lives in the `[extract]` table of the rule files, because every CMS
//! words these a little differently and sites must be able to add theirs.

use regex::Regex;
use scraper::Selector;

use super::limits::Limit;
use super::record::Origin;
use crate::rules::toml_reader::{RuleError, TableReader};

#[derive(Debug, Clone, Default)]
pub struct ExtractConfig {
    pub title_meta: Vec<String>,
    pub column_meta: Vec<String>,
    pub publish_date_meta: Vec<String>,
    pub source_meta: Vec<String>,
    pub publish_date_labels: Vec<String>,
    pub document_date_labels: Vec<String>,
    pub source_labels: Vec<String>,
    /// 索引号: the disclosure catalogue number.
    pub index_no_labels: Vec<String>,
    /// 文号 / 发文字号: the document number (`云街发〔2019〕3号`).
    pub doc_number_labels: Vec<String>,
    /// Generic labels (`日期`, `时间`) read as the publish date only when no
    /// specific label exists and the value is a date.
    pub generic_date_labels: Vec<String>,
    /// Labels that only end a value (`点击:`, `作者:`…), never give one.
    pub other_labels: Vec<String>,
    pub breadcrumb_markers: Vec<String>,
    /// Breadcrumb items that are not a column (`正文`, `详情`).
    pub breadcrumb_ignore: Vec<String>,
    pub prev_labels: Vec<String>,
    pub next_labels: Vec<String>,
    pub nav_placeholders: Vec<String>,
    /// Separators between an article title and the site name in `<title>`.
    pub title_separators: Vec<String>,
    pub body_selectors: Vec<(String, Selector)>,
    /// Elements that may hold an article's title; the first whose text the
    /// `<title>` contains wins.
    pub title_selectors: Vec<(String, Selector)>,
    /// Class or id words (lower case, matched as substrings) of blocks that are
    /// never the main text when it is guessed: footers, menus, sidebars.
    pub boilerplate_classes: Vec<String>,
    /// Regexes with named groups `y`, `m`, `d` that read a date from an item's URL.
    pub url_date_patterns: Vec<Regex>,
    /// File extensions of attachments (lower case, without the dot).
    pub attachment_extensions: Vec<String>,
    /// Paths that are the site's home page besides `/`.
    pub home_paths: Vec<String>,
    /// Comment markers around the main text (`<!--ContentStart-->`…`<!--ContentEnd-->`).
    pub body_comment_start: Vec<String>,
    pub body_comment_end: Vec<String>,
    /// Link texts of a list's pagination (`下一页`, `尾页`).
    pub pagination_labels: Vec<String>,
    /// Regexes over a list page URL with a group `n` whose removal gives the
    /// column's first page (`/index(?P<n>_\d+)\.html$`).
    pub page_url_patterns: Vec<Regex>,
    /// Regexes over a list page's scripts with a group `count` (and optional
    /// `name`, `ext`): TRS writes `createPageHTML(5, 0, "index", "html")`.
    pub page_script_patterns: Vec<Regex>,
    /// Most pages generated from a pagination script.
    pub max_script_pages: u32,
    /// Limits on what a page's markup controls (0: none): tags nested deeper
    /// than `max_depth` are dropped before parsing, and a page keeps at most
    /// `max_links` links, `max_list_items` list items and `max_text_chars` of text.
    pub max_depth: u32,
    pub max_links: u32,
    pub max_list_items: u32,
    pub max_text_chars: u32,
    /// A page is a soft 404 when its title matches one of these…
    pub soft_404_title_patterns: Vec<Regex>,
    /// …or its main text is short and matches one of these.
    pub soft_404_text_patterns: Vec<Regex>,
    pub soft_404_max_chars: u32,
    /// …or a line of at most this many characters matches one of them.
    pub soft_404_line_max_chars: u32,
    /// Labels in the body are prose, except on its first `info_line_max_lines`
    /// lines while they are dated and shorter than `info_line_max_chars`.
    pub info_line_max_lines: u32,
    pub info_line_max_chars: u32,
    /// Marks of running sentences: a body line with one is prose.
    pub prose_marks: Vec<char>,
    /// Marks that end a clause: an issuer's name or a signature's prefix
    /// holding one is a sentence, not a name.
    pub clause_marks: Vec<char>,
    /// A line under the title opened by one of these is a note
    /// (`（2007年6月29日…会议通过）`), not the page's date line.
    pub info_line_note_marks: Vec<char>,
    /// `[[profile]]` sections: selectors for sites the heuristics misread.
    pub profiles: Vec<super::profile::Profile>,
    /// File extensions read as HTML pages in directory mode.
    pub html_extensions: Vec<String>,
    /// `<meta name=…>` of the site's name, which a heading repeating it is not a title.
    pub site_name_meta: Vec<String>,
    /// Characters between breadcrumb items (`首页 > 政务公开`).
    pub breadcrumb_separators: Vec<char>,
    /// A trail without a marker: its separators (arrows, not `|`), the
    /// texts of its first link home, and its longest text.
    pub breadcrumb_arrows: Vec<char>,
    pub breadcrumb_home: Vec<String>,
    pub breadcrumb_max_chars: u32,
    /// A breadcrumb entry longer than this is an article's title, not a column.
    pub breadcrumb_column_max_chars: u32,
    /// Punctuation after a navigation placeholder (`没有了！`) that does not matter.
    pub nav_placeholder_punctuation: Vec<char>,
    /// A navigation entry is at most this many characters, and its element at
    /// most this many levels above the label's text.
    pub nav_max_chars: u32,
    pub nav_max_up: u32,
    /// Text in a `<script>` that marks Hanweb's (大汉) list data, besides an XML type…
    pub datastore_markers: Vec<String>,
    /// …and regexes with a group `html` for each list row in it.
    pub datastore_record_patterns: Vec<Regex>,
    /// A quoted label and its value is cut to this many characters.
    pub snippet_chars: u32,
    /// A label that ends its line takes the next line, at most this long, as its value.
    pub label_next_line_max_chars: u32,
    /// Characters of prose that make an undated page without items an article.
    pub article_min_prose_chars: u32,
    /// The signed date (`云溪街道办事处` / `2019年3月6日`) is looked for in the
    /// last `signature_tail_lines` lines of the body, on lines of at most
    /// `signature_max_chars` characters, after at most
    /// `signature_prefix_max_chars` characters of issuer on the same line.
    pub signature_tail_lines: u32,
    pub signature_max_chars: u32,
    pub signature_prefix_max_chars: u32,
    /// A heading is a title of at most `title_max_chars` characters (read no
    /// further than `title_max_bytes` bytes of text); one matched against the
    /// `<title>` has at least `title_min_chars`.
    pub title_max_chars: u32,
    pub title_min_chars: u32,
    pub title_max_bytes: u32,
    /// A page is a list with this many dated items, or this many publish-date labels.
    pub list_min_items: u32,
    pub list_min_date_labels: u32,
    /// Which source of each field wins when several give one, first to last.
    pub title_order: Vec<Origin>,
    pub publish_date_order: Vec<Origin>,
    pub document_date_order: Vec<Origin>,
    pub source_order: Vec<Origin>,
    pub column_order: Vec<Origin>,
    /// Class words (whole, any case) of elements a stylesheet hides.
    pub hidden_classes: Vec<String>,
    /// A group of dated links is not the column's list when a class or id
    /// word of its box starts with one of these (lower case)…
    pub list_exclude_classes: Vec<String>,
    /// …or the box's heading holds one of these (unless it is the column's name)…
    pub list_exclude_titles: Vec<String>,
    /// …and an item whose title is one of these is never a list item.
    pub list_exclude_item_titles: Vec<String>,
    /// A box heading is at most this many characters, looked for at most
    /// `list_box_up` levels above the list.
    pub list_box_title_max_chars: u32,
    pub list_box_up: u32,
    /// Whole lines a list page shows instead of items (`暂无信息`).
    pub empty_list_patterns: Vec<Regex>,
    /// Regexes with a group `url` over a list page's scripts: the address a
    /// script loads the list from, named when the list cannot be read.
    pub list_loader_patterns: Vec<Regex>,
    /// A page showing `letter_min_labels` of these labels is a letter (领导信箱).
    pub letter_labels: Vec<String>,
    pub letter_min_labels: u32,
    /// A page showing `guide_min_labels` of these labels, or titled to match
    /// one of `guide_title_patterns`, is a service guide (办事指南).
    pub guide_labels: Vec<String>,
    pub guide_min_labels: u32,
    pub guide_title_patterns: Vec<Regex>,
    /// URLs of search pages and their results.
    pub search_url_patterns: Vec<Regex>,
    /// Titles of login and registration pages (a password field also tells).
    pub login_title_patterns: Vec<Regex>,
    /// Titles of site maps: links, not a column's text.
    pub site_map_title_patterns: Vec<Regex>,
    /// URLs of a folder's index page: a column's page, never an undated article.
    pub folder_index_patterns: Vec<Regex>,
}

/// The fields whose sources are ordered, the key of each order and the
/// sources it may name.
pub const ORDERS: &[(&str, &[Origin])] = &[
    (
        "title_order",
        &[
            Origin::Profile,
            Origin::Heading,
            Origin::Meta,
            Origin::AnyHeading,
            Origin::TitleTag,
        ],
    ),
    (
        "publish_date_order",
        &[
            Origin::Profile,
            Origin::Label,
            Origin::Meta,
            Origin::GenericLabel,
            Origin::InfoLine,
            Origin::Url,
        ],
    ),
    (
        "document_date_order",
        &[Origin::Profile, Origin::Label, Origin::Signature],
    ),
    (
        "source_order",
        &[Origin::Profile, Origin::Label, Origin::Meta],
    ),
    ("column_order", &[Origin::Breadcrumb, Origin::Meta]),
];

impl ExtractConfig {
    fn order_mut(&mut self, key: &str) -> Option<&mut Vec<Origin>> {
        Some(match key {
            "title_order" => &mut self.title_order,
            "publish_date_order" => &mut self.publish_date_order,
            "document_date_order" => &mut self.document_date_order,
            "source_order" => &mut self.source_order,
            "column_order" => &mut self.column_order,
            _ => return None,
        })
    }
}

type Counts = [(&'static str, fn(&mut ExtractConfig) -> &mut u32)];

/// The whole-number keys, the page limits (see [`Limit`]) among them.
const COUNTS: &Counts = &[
    (Limit::Depth.key(), |c| &mut c.max_depth),
    (Limit::Links.key(), |c| &mut c.max_links),
    (Limit::ListItems.key(), |c| &mut c.max_list_items),
    (Limit::TextChars.key(), |c| &mut c.max_text_chars),
    ("soft_404_max_chars", |c| &mut c.soft_404_max_chars),
    ("soft_404_line_max_chars", |c| {
        &mut c.soft_404_line_max_chars
    }),
    ("info_line_max_lines", |c| &mut c.info_line_max_lines),
    ("info_line_max_chars", |c| &mut c.info_line_max_chars),
    ("max_script_pages", |c| &mut c.max_script_pages),
    ("nav_max_chars", |c| &mut c.nav_max_chars),
    ("nav_max_up", |c| &mut c.nav_max_up),
    ("snippet_chars", |c| &mut c.snippet_chars),
    ("label_next_line_max_chars", |c| {
        &mut c.label_next_line_max_chars
    }),
    ("article_min_prose_chars", |c| {
        &mut c.article_min_prose_chars
    }),
    ("signature_tail_lines", |c| &mut c.signature_tail_lines),
    ("signature_max_chars", |c| &mut c.signature_max_chars),
    ("signature_prefix_max_chars", |c| {
        &mut c.signature_prefix_max_chars
    }),
    ("title_max_chars", |c| &mut c.title_max_chars),
    ("title_min_chars", |c| &mut c.title_min_chars),
    ("title_max_bytes", |c| &mut c.title_max_bytes),
    ("list_min_items", |c| &mut c.list_min_items),
    ("list_min_date_labels", |c| &mut c.list_min_date_labels),
    ("list_box_title_max_chars", |c| {
        &mut c.list_box_title_max_chars
    }),
    ("list_box_up", |c| &mut c.list_box_up),
    ("letter_min_labels", |c| &mut c.letter_min_labels),
    ("guide_min_labels", |c| &mut c.guide_min_labels),
    ("breadcrumb_max_chars", |c| &mut c.breadcrumb_max_chars),
    ("breadcrumb_column_max_chars", |c| {
        &mut c.breadcrumb_column_max_chars
    }),
];

type Fields = [(&'static str, fn(&mut ExtractConfig) -> &mut Vec<String>)];

const STRING_LISTS: &Fields = &[
    ("title_meta", |c| &mut c.title_meta),
    ("column_meta", |c| &mut c.column_meta),
    ("publish_date_meta", |c| &mut c.publish_date_meta),
    ("source_meta", |c| &mut c.source_meta),
    ("publish_date_labels", |c| &mut c.publish_date_labels),
    ("document_date_labels", |c| &mut c.document_date_labels),
    ("source_labels", |c| &mut c.source_labels),
    ("index_no_labels", |c| &mut c.index_no_labels),
    ("doc_number_labels", |c| &mut c.doc_number_labels),
    ("generic_date_labels", |c| &mut c.generic_date_labels),
    ("body_comment_start", |c| &mut c.body_comment_start),
    ("body_comment_end", |c| &mut c.body_comment_end),
    ("pagination_labels", |c| &mut c.pagination_labels),
    ("boilerplate_classes", |c| &mut c.boilerplate_classes),
    ("other_labels", |c| &mut c.other_labels),
    ("breadcrumb_markers", |c| &mut c.breadcrumb_markers),
    ("breadcrumb_ignore", |c| &mut c.breadcrumb_ignore),
    ("prev_labels", |c| &mut c.prev_labels),
    ("next_labels", |c| &mut c.next_labels),
    ("nav_placeholders", |c| &mut c.nav_placeholders),
    ("title_separators", |c| &mut c.title_separators),
    ("attachment_extensions", |c| &mut c.attachment_extensions),
    ("home_paths", |c| &mut c.home_paths),
    ("html_extensions", |c| &mut c.html_extensions),
    ("site_name_meta", |c| &mut c.site_name_meta),
    ("datastore_markers", |c| &mut c.datastore_markers),
    ("hidden_classes", |c| &mut c.hidden_classes),
    ("list_exclude_classes", |c| &mut c.list_exclude_classes),
    ("list_exclude_titles", |c| &mut c.list_exclude_titles),
    ("list_exclude_item_titles", |c| {
        &mut c.list_exclude_item_titles
    }),
    ("letter_labels", |c| &mut c.letter_labels),
    ("breadcrumb_home", |c| &mut c.breadcrumb_home),
    ("guide_labels", |c| &mut c.guide_labels),
];

impl ExtractConfig {
    /// Reads an `[extract]` table over `self`: each key present replaces the
    /// earlier value, so a site's rule directory can override one list.
    pub fn merge_from(&mut self, t: &mut TableReader<'_, '_>) -> Result<(), RuleError> {
        for (key, field) in STRING_LISTS {
            if let Some(v) = t.strings(key)? {
                *field(self) = v.into_iter().map(|s| s.into_inner()).collect();
            }
        }
        if let Some(v) = t.selectors("body_selectors")? {
            self.body_selectors = v;
        }
        if let Some(v) = t.selectors("title_selectors")? {
            self.title_selectors = v;
        }
        if let Some(v) = t.regexes("url_date_patterns", &["y", "m", "d"])? {
            self.url_date_patterns = v;
        }
        if let Some(v) = t.regexes("page_url_patterns", &["n"])? {
            self.page_url_patterns = v;
        }
        if let Some(v) = t.regexes("page_script_patterns", &["count"])? {
            self.page_script_patterns = v;
        }
        if let Some(v) = t.regexes("soft_404_title_patterns", &[])? {
            self.soft_404_title_patterns = v;
        }
        if let Some(v) = t.regexes("soft_404_text_patterns", &[])? {
            self.soft_404_text_patterns = v;
        }
        if let Some(v) = t.regexes("datastore_record_patterns", &["html"])? {
            self.datastore_record_patterns = v;
        }
        for (key, re, groups) in [
            (
                "empty_list_patterns",
                &mut self.empty_list_patterns,
                &[][..],
            ),
            (
                "list_loader_patterns",
                &mut self.list_loader_patterns,
                &["url"][..],
            ),
            (
                "guide_title_patterns",
                &mut self.guide_title_patterns,
                &[][..],
            ),
            (
                "search_url_patterns",
                &mut self.search_url_patterns,
                &[][..],
            ),
            (
                "site_map_title_patterns",
                &mut self.site_map_title_patterns,
                &[][..],
            ),
            (
                "folder_index_patterns",
                &mut self.folder_index_patterns,
                &[][..],
            ),
            (
                "login_title_patterns",
                &mut self.login_title_patterns,
                &[][..],
            ),
        ] {
            if let Some(v) = t.regexes(key, groups)? {
                *re = v;
            }
        }
        for (key, allowed) in ORDERS {
            let Some(v) = t.strings(key)? else {
                continue;
            };
            let mut order = Vec::with_capacity(v.len());
            for s in v {
                match Origin::parse(s.get_ref()).filter(|o| allowed.contains(o)) {
                    Some(o) => order.push(o),
                    None => {
                        let names: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
                        return Err(t.error_at(
                            &s.span(),
                            format!(
                                "`{key}` may name {}, not \"{}\"",
                                names.join(", "),
                                s.get_ref()
                            ),
                        ));
                    }
                }
            }
            if let Some(field) = self.order_mut(key) {
                *field = order;
            }
        }
        if let Some(v) = t.chars("breadcrumb_separators")? {
            self.breadcrumb_separators = v;
        }
        if let Some(v) = t.chars("breadcrumb_arrows")? {
            self.breadcrumb_arrows = v;
        }
        if let Some(v) = t.chars("nav_placeholder_punctuation")? {
            self.nav_placeholder_punctuation = v;
        }
        if let Some(v) = t.chars("prose_marks")? {
            self.prose_marks = v;
        }
        if let Some(v) = t.chars("clause_marks")? {
            self.clause_marks = v;
        }
        if let Some(v) = t.chars("info_line_note_marks")? {
            self.info_line_note_marks = v;
        }
        for (key, field) in COUNTS {
            if let Some(n) = t.count(key)? {
                *field(self) = n.into_inner();
            }
        }
        for w in self
            .boilerplate_classes
            .iter_mut()
            .chain(&mut self.list_exclude_classes)
        {
            *w = w.to_ascii_lowercase();
        }
        for ext in &mut self.attachment_extensions {
            *ext = ext.trim_start_matches('.').to_lowercase();
        }
        Ok(())
    }

    /// The profile for a page, the first whose URL globs match.
    pub fn profile_for(&self, url: &str) -> Option<&super::profile::Profile> {
        self.profiles.iter().find(|p| p.matches(url))
    }

    /// Whether a URL path names an attachment, judged by its extension.
    pub fn is_attachment_path(&self, path: &str) -> bool {
        crate::source::urls::has_extension(path, &self.attachment_extensions)
    }
}

#[cfg(test)]
impl ExtractConfig {
    /// The shipped file's numbers and punctuation, for unit tests that set
    /// only the vocabulary they exercise.
    pub fn for_tests() -> ExtractConfig {
        ExtractConfig {
            breadcrumb_separators: vec!['>', '＞', '»', '›', '→', '/', '|', '｜'],
            nav_placeholder_punctuation: vec!['!', '！', '。', '.'],
            nav_max_chars: 200,
            nav_max_up: 4,
            datastore_markers: vec!["<datastore".into()],
            datastore_record_patterns: vec![
                Regex::new(r"(?s)<record>\s*<!\[CDATA\[(?P<html>.*?)\]\]>\s*</record>").unwrap(),
            ],
            snippet_chars: 40,
            label_next_line_max_chars: 40,
            soft_404_max_chars: 100,
            soft_404_line_max_chars: 80,
            info_line_max_lines: 3,
            info_line_max_chars: 80,
            prose_marks: vec!['。', '，', '；'],
            info_line_note_marks: vec!['（', '('],
            clause_marks: vec!['。', '；', ';', '，', ',', '：', ':'],
            article_min_prose_chars: 30,
            signature_tail_lines: 6,
            signature_max_chars: 40,
            signature_prefix_max_chars: 30,
            title_max_chars: 200,
            title_min_chars: 4,
            title_max_bytes: 1000,
            list_min_items: 3,
            list_min_date_labels: 3,
            list_box_title_max_chars: 12,
            list_box_up: 3,
            letter_min_labels: 2,
            guide_min_labels: 4,
            breadcrumb_max_chars: 120,
            breadcrumb_column_max_chars: 30,
            title_order: ORDERS[0].1.to_vec(),
            publish_date_order: vec![
                Origin::Profile,
                Origin::Label,
                Origin::GenericLabel,
                Origin::InfoLine,
                Origin::Meta,
            ],
            document_date_order: ORDERS[2].1.to_vec(),
            source_order: ORDERS[3].1.to_vec(),
            column_order: ORDERS[4].1.to_vec(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `for_tests` repeats the shipped numbers and punctuation; it must not
    /// drift from the file.
    #[test]
    fn test_numbers_are_the_shipped_ones() {
        let shipped = crate::load_rules(true, &[]).unwrap().extract;
        let mut test = ExtractConfig::for_tests();
        let mut file = shipped.clone();
        for (key, field) in COUNTS {
            let t = *field(&mut test);
            if t != 0 {
                assert_eq!(t, *field(&mut file), "{key}");
            }
        }
        let lists = [
            (&test.breadcrumb_separators, &shipped.breadcrumb_separators),
            (
                &test.nav_placeholder_punctuation,
                &shipped.nav_placeholder_punctuation,
            ),
            (&test.prose_marks, &shipped.prose_marks),
            (&test.clause_marks, &shipped.clause_marks),
            (&test.info_line_note_marks, &shipped.info_line_note_marks),
        ];
        for (t, f) in lists {
            assert_eq!(t, f);
        }
        assert_eq!(test.title_order, shipped.title_order);
        assert_eq!(test.publish_date_order, shipped.publish_date_order);
        assert_eq!(test.document_date_order, shipped.document_date_order);
        assert_eq!(test.source_order, shipped.source_order);
        assert_eq!(test.column_order, shipped.column_order);
    }
}
