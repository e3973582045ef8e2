//! Paged lists as streams: the request builder of every paged operation of a generated client
//! also has `into_pages()`, a [`Stream`] of its pages, and `into_items()`, a [`Stream`] of their
//! items.
//!
//! A walk starts at the page the request names (the first, page 1 or no token, when it names
//! none), sends nothing until it is polled, and sends nothing more once it is dropped (the
//! request in flight is cancelled with it). Each page is the request sent with the cursor set,
//! an ordinary call of the operation: the client's retries, rate-limit window, hooks and auth
//! apply to it like to any call. It ends when the server says so: an empty page, `HasNextPage:
//! false`, the last of `TotalPages`, no `next_page` token. A server that would make it loop
//! (the same page again, a next page number that does not move forward, a token it named
//! before) ends it with [`crate::ErrorKind::Paging`] instead.
//!
//! ```ignore
//! use jtl_erp_client::runtime::paging::StreamExt as _;
//!
//! let mut items = std::pin::pin!(client.query_accounting_data().page_size(100).into_items());
//! while let Some(item) = items.next().await {
//!     let item = item?;
//! }
//! ```

use std::collections::HashSet;
use std::future::Future;

pub use futures_core::Stream;
pub use futures_util::{StreamExt, TryStreamExt};

use crate::transport::error::{Error, ErrorKind};
use crate::transport::response::ResponseValue;

/// Where a page starts: a 1-based page number or an opaque token (`None`: the first page).
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Cursor {
    /// A page number.
    Number(i64),
    /// A token; `None` asks for the first page.
    Token(Option<String>),
}

impl Cursor {
    /// The page number (1 for a token cursor, which has none).
    pub fn number(&self) -> i64 {
        match self {
            Cursor::Number(n) => *n,
            Cursor::Token(_) => 1,
        }
    }

    /// The token, if this cursor is one.
    pub fn token(&self) -> Option<&str> {
        match self {
            Cursor::Token(token) => token.as_deref(),
            Cursor::Number(_) => None,
        }
    }
}

/// What a page says about the walk: read by generated code from the envelope's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[doc(hidden)]
pub struct Marks {
    /// The page has no items.
    pub empty: bool,
    /// `HasNextPage`, when the envelope has it.
    pub has_next: Option<bool>,
    /// `NextPageNumber`, when the envelope has it and it is set.
    pub next_number: Option<i64>,
    /// `TotalPages`, when the envelope has it.
    pub total_pages: Option<i64>,
    /// The next token (`next_page`), when the envelope has one.
    pub next_token: Option<String>,
}

/// Why a walk stopped with an error although the server answered every page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// The server answered the same page twice in a row.
    #[error("the server answered page {page} with the same page as the one before")]
    RepeatedPage {
        /// The page number asked for (1 where pages are named by tokens).
        page: i64,
    },
    /// The server named a next page number that is not after the page it answered.
    #[error("the server named page {next} as the next after page {page}")]
    NotForward {
        /// The page answered.
        page: i64,
        /// The page it named next.
        next: i64,
    },
    /// The server named a page token it had named before (its value is not shown).
    #[error("the server named a page token it had named before, after {pages} pages")]
    RepeatedToken {
        /// Pages walked so far.
        pages: usize,
    },
}

/// One walk's state between pages.
struct Walk<F, P> {
    fetch: F,
    next: Option<Cursor>,
    previous: Option<P>,
    tokens: HashSet<String>,
    pages: usize,
}

/// The pages of a paged operation from `first` on: `fetch` asks for one page, `marks` reads
/// where the walk goes next. Generated code calls this; users call a builder's `into_pages`.
#[doc(hidden)]
pub fn pages<P, E, F, Fut>(
    operation: &'static str,
    first: Cursor,
    fetch: F,
    marks: fn(&P) -> Marks,
) -> impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Send
where
    P: Clone + PartialEq + Send + 'static,
    E: Send + 'static,
    F: FnMut(Cursor) -> Fut + Send + 'static,
    Fut: Future<Output = Result<ResponseValue<P>, Error<E>>> + Send,
{
    let walk = Walk {
        fetch,
        next: Some(first),
        previous: None,
        tokens: HashSet::new(),
        pages: 0,
    };
    futures_util::stream::unfold(walk, move |mut walk| async move {
        let cursor = walk.next.take()?;
        let page = match (walk.fetch)(cursor.clone()).await {
            Ok(page) => page,
            // The walk ends with the error; the stream yields it, then `None`.
            Err(error) => return Some((Err(error), walk)),
        };
        walk.pages += 1;
        let refuse = |reason| Error::new(operation, ErrorKind::Paging(reason));
        if walk.previous.as_ref() == Some(&*page) {
            let error = refuse(PagingError::RepeatedPage {
                page: cursor.number(),
            });
            return Some((Err(error), walk));
        }
        let marks = marks(&page);
        walk.next = match next_cursor(&cursor, &marks, &mut walk.tokens, walk.pages) {
            Ok(next) => next,
            Err(reason) => return Some((Err(refuse(reason)), walk)),
        };
        walk.previous = walk.next.is_some().then(|| (*page).clone());
        Some((Ok(page), walk))
    })
}

/// Where the walk goes after a page at `cursor` that says `marks`: `None` at the end.
fn next_cursor(
    cursor: &Cursor,
    marks: &Marks,
    tokens: &mut HashSet<String>,
    pages: usize,
) -> Result<Option<Cursor>, PagingError> {
    if marks.empty || marks.has_next == Some(false) {
        return Ok(None);
    }
    match cursor {
        Cursor::Number(page) => {
            let next = match marks.next_number {
                Some(next) if next <= *page => {
                    return Err(PagingError::NotForward { page: *page, next });
                }
                Some(next) => next,
                // Without a flag or a next number, the total decides; without those, the empty
                // page after the last one ends the walk.
                None if marks.has_next.is_none()
                    && marks.total_pages.is_some_and(|t| *page >= t) =>
                {
                    return Ok(None);
                }
                None => page.saturating_add(1),
            };
            Ok(Some(Cursor::Number(next)))
        }
        Cursor::Token(_) => match marks.next_token.as_deref() {
            None | Some("") => Ok(None),
            Some(token) if !tokens.insert(token.to_owned()) => {
                Err(PagingError::RepeatedToken { pages })
            }
            Some(token) => Ok(Some(Cursor::Token(Some(token.to_owned())))),
        },
    }
}

/// The items of `pages`, in order; an error ends the stream after it is yielded.
#[doc(hidden)]
pub fn items<P, T, E>(
    pages: impl Stream<Item = Result<ResponseValue<P>, Error<E>>> + Send,
    items_of: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error<E>>> + Send
where
    P: Send,
    T: Send,
    E: Send,
{
    use futures_util::future::Either;
    // The page's own vector is walked in place: no second collection per page.
    pages.flat_map(move |page| match page {
        Ok(page) => Either::Left(futures_util::stream::iter(
            items_of(page.into_inner()).into_iter().map(Ok),
        )),
        Err(error) => Either::Right(futures_util::stream::iter(std::iter::once(Err(error)))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(page: i64, marks: Marks) -> Result<Option<Cursor>, PagingError> {
        next_cursor(&Cursor::Number(page), &marks, &mut HashSet::new(), 1)
    }

    #[test]
    fn numbered_pages_end_where_the_server_says() {
        let next = |marks| numbered(2, marks);
        assert_eq!(next(Marks::default()), Ok(Some(Cursor::Number(3))));
        let empty = Marks {
            empty: true,
            has_next: Some(true),
            ..Marks::default()
        };
        assert_eq!(next(empty), Ok(None), "an empty page ends the walk");
        let last = Marks {
            has_next: Some(false),
            next_number: Some(3),
            ..Marks::default()
        };
        assert_eq!(next(last), Ok(None), "HasNextPage false wins");
        let jump = Marks {
            has_next: Some(true),
            next_number: Some(5),
            ..Marks::default()
        };
        assert_eq!(next(jump), Ok(Some(Cursor::Number(5))));
        let total = |total_pages| Marks {
            total_pages: Some(total_pages),
            ..Marks::default()
        };
        assert_eq!(next(total(2)), Ok(None), "the last of TotalPages");
        assert_eq!(next(total(3)), Ok(Some(Cursor::Number(3))));
        // A flag that says "more" outranks a total that says "done" (never stricter than the
        // server): the next page, empty or not, settles it.
        let more = Marks {
            has_next: Some(true),
            total_pages: Some(1),
            ..Marks::default()
        };
        assert_eq!(next(more), Ok(Some(Cursor::Number(3))));
    }

    #[test]
    fn a_next_page_that_does_not_move_forward_is_refused() {
        for stuck in [2, 1, 0] {
            let marks = Marks {
                next_number: Some(stuck),
                ..Marks::default()
            };
            assert_eq!(
                numbered(2, marks),
                Err(PagingError::NotForward {
                    page: 2,
                    next: stuck
                })
            );
        }
    }

    #[test]
    fn tokens_end_when_missing_or_empty_and_never_repeat() {
        let mut seen = HashSet::new();
        let token = |t: Option<&str>| Marks {
            next_token: t.map(str::to_owned),
            ..Marks::default()
        };
        let first = Cursor::Token(None);
        assert_eq!(
            next_cursor(&first, &token(Some("a")), &mut seen, 1),
            Ok(Some(Cursor::Token(Some("a".to_owned()))))
        );
        assert_eq!(
            next_cursor(&first, &token(Some("b")), &mut seen, 2),
            Ok(Some(Cursor::Token(Some("b".to_owned()))))
        );
        assert_eq!(
            next_cursor(&first, &token(Some("a")), &mut seen, 3),
            Err(PagingError::RepeatedToken { pages: 3 })
        );
        assert_eq!(next_cursor(&first, &token(None), &mut seen, 3), Ok(None));
        assert_eq!(
            next_cursor(&first, &token(Some("")), &mut seen, 3),
            Ok(None)
        );
    }
}
