//! Graph list pages: `{"data":[...],"paging":{"cursors":{"before","after"},"next"}}`.

use serde::Deserialize;

/// One page of a Graph list.
///
/// Follow [`Paged::after`] by sending the same request again with
/// `after=<cursor>`. Never fetch `paging.next` directly: it is a URL from the
/// response and carries the access token in its query string.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Paged<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Paging {
    #[serde(default)]
    cursors: Option<Cursors>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Cursors {
    #[serde(default)]
    after: Option<String>,
}

impl<T> Paged<T> {
    /// Returns the cursor of the next page, or `None` on the last page.
    ///
    /// Graph may send an `after` cursor on the last page too; the absence of
    /// `paging.next` is what marks the end.
    pub fn after(&self) -> Option<&str> {
        let paging = self.paging.as_ref()?;
        paging.next.as_ref()?;
        paging.cursors.as_ref()?.after.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_cursor_needs_next_link() {
        let more: Paged<u8> = serde_json::from_str(
            r#"{"data":[1],"paging":{"cursors":{"after":"QVFI"},"next":"https://x/?access_token=t"}}"#,
        )
        .expect("page");
        let last: Paged<u8> =
            serde_json::from_str(r#"{"data":[2],"paging":{"cursors":{"after":"QVFJ"}}}"#)
                .expect("last");
        let bare: Paged<u8> = serde_json::from_str(r#"{"data":[]}"#).expect("bare");

        assert_eq!(more.after(), Some("QVFI"));
        assert_eq!(last.after(), None);
        assert_eq!(bare.after(), None);
    }
}
