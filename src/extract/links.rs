//! A page's links resolved once: the link list, the list items and the
//! pagination all read the same `href`s, and resolving and canonicalising a
//! URL costs more than looking it up.

use std::cell::RefCell;
use std::collections::HashMap;

use url::Url;

use crate::source::urls::resolve_canonical;

pub struct Resolver<'u> {
    base: &'u Url,
    cache: RefCell<HashMap<String, Option<String>>>,
}

impl<'u> Resolver<'u> {
    pub fn new(base: &'u Url) -> Resolver<'u> {
        Resolver {
            base,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The canonical absolute URL of `href`, or `None` for links that are not pages.
    pub fn get(&self, href: &str) -> Option<String> {
        if let Some(hit) = self.cache.borrow().get(href) {
            return hit.clone();
        }
        let url = resolve_canonical(self.base, href);
        self.cache
            .borrow_mut()
            .insert(href.to_string(), url.clone());
        url
    }
}
