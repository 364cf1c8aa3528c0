//! Streaming `multipart/form-data` bodies with an exact `Content-Length`.
//!
//! reqwest's own multipart form streams file parts with chunked transfer
//! encoding when it cannot know their length. Here every part's length is
//! known up front, so the body has an exact `Content-Length` and a file part
//! is streamed from disk. The framing follows RFC 7578: the CRLF before each
//! boundary belongs to the delimiter, never to the part's data.

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use mime::Mime;

use crate::error::{Error, Result};
use crate::media::MediaSource;
use crate::upload::file_slice_stream;

/// A multipart form under construction.
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    header: Bytes,
    body: PartBody,
}

#[derive(Debug, Clone)]
enum PartBody {
    Bytes(Bytes),
    File {
        path: std::path::PathBuf,
        offset: u64,
        len: u64,
    },
}

impl PartBody {
    fn len(&self) -> u64 {
        match self {
            PartBody::Bytes(b) => b.len() as u64,
            PartBody::File { len, .. } => *len,
        }
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    /// Starts a form with a random 32-character boundary.
    pub fn new() -> Multipart {
        let boundary: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        Multipart::with_boundary(format!("----social-sdk-{boundary}"))
    }

    /// Starts a form with a fixed boundary (tests).
    pub fn with_boundary(boundary: impl Into<String>) -> Multipart {
        Multipart {
            boundary: boundary.into(),
            parts: Vec::new(),
        }
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Multipart {
        let header = part_header(&self.boundary, name, None, None);
        self.parts.push(Part {
            header,
            body: PartBody::Bytes(Bytes::from(value.into())),
        });
        self
    }

    /// Adds `len` bytes of `source` from `offset` as a file part with an
    /// explicit type.
    pub fn media(
        mut self,
        name: &str,
        file_name: &str,
        content_type: &Mime,
        source: &MediaSource,
        offset: u64,
        len: u64,
    ) -> Result<Multipart> {
        let body = match source {
            MediaSource::File(path) => PartBody::File {
                path: path.clone(),
                offset,
                len,
            },
            MediaSource::Bytes { data, .. } => {
                let start = usize::try_from(offset).ok();
                let end = offset
                    .checked_add(len)
                    .and_then(|e| usize::try_from(e).ok());
                match (start, end) {
                    (Some(start), Some(end)) if end <= data.len() => {
                        PartBody::Bytes(data.slice(start..end))
                    }
                    _ => {
                        return Err(Error::invalid_input(
                            "media",
                            format!(
                                "range {offset}+{len} is outside the {} bytes in memory",
                                data.len()
                            ),
                        ));
                    }
                }
            }
            MediaSource::Url(url) => {
                return Err(Error::invalid_input(
                    "media",
                    format!("{url} is a URL; a multipart upload needs a local file or bytes"),
                ));
            }
        };
        let header = part_header(&self.boundary, name, Some(file_name), Some(content_type));
        self.parts.push(Part { header, body });
        Ok(self)
    }

    /// Returns the `Content-Type` header value, boundary included.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// Returns the exact length of the encoded body.
    pub fn content_length(&self) -> u64 {
        let parts: u64 = self
            .parts
            .iter()
            .map(|p| p.header.len() as u64 + p.body.len() + 2)
            .sum();
        parts + self.closing().len() as u64
    }

    fn closing(&self) -> Bytes {
        Bytes::from(format!("--{}--\r\n", self.boundary))
    }

    /// Turns the form into a streaming request body. Set `Content-Type` and
    /// `Content-Length` from [`Multipart::content_type`] and
    /// [`Multipart::content_length`].
    pub fn into_body(self) -> reqwest::Body {
        let closing = self.closing();
        let pieces = self.parts.into_iter().flat_map(|part| {
            let data = match part.body {
                PartBody::Bytes(bytes) => stream::once(async move { Ok(bytes) }).boxed(),
                PartBody::File { path, offset, len } => {
                    file_slice_stream(path, offset, len).boxed()
                }
            };
            [
                stream::once(async move { Ok::<_, std::io::Error>(part.header) }).boxed(),
                data,
                stream::once(async { Ok(Bytes::from_static(b"\r\n")) }).boxed(),
            ]
        });
        let body = stream::iter(pieces)
            .flatten()
            .chain(stream::once(async move { Ok(closing) }))
            .into_stream();
        reqwest::Body::wrap_stream(body)
    }
}

fn part_header(
    boundary: &str,
    name: &str,
    file_name: Option<&str>,
    content_type: Option<&Mime>,
) -> Bytes {
    let mut header = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
        escape_quoted(name)
    );
    if let Some(file_name) = file_name {
        header.push_str(&format!("; filename=\"{}\"", escape_quoted(file_name)));
    }
    header.push_str("\r\n");
    if let Some(content_type) = content_type {
        header.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    header.push_str("\r\n");
    Bytes::from(header)
}

/// Escapes a field or file name the way browsers do (WHATWG HTML): `"`,
/// CR and LF become percent escapes, so a name cannot end the header.
fn escape_quoted(value: &str) -> String {
    value
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: reqwest::Body) -> Vec<u8> {
        use http_body_util::BodyExt;
        body.collect()
            .await
            .expect("body stream")
            .to_bytes()
            .to_vec()
    }

    #[tokio::test]
    async fn framing_and_length_exact() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("clip.mp4");
        std::fs::write(&path, b"0123456789").expect("write");
        let form = Multipart::with_boundary("XyZ")
            .text("segment_index", "3")
            .media(
                "media",
                "clip.mp4",
                &"video/mp4".parse().expect("mime"),
                &MediaSource::file(&path),
                2,
                5,
            )
            .expect("file part");

        let length = form.content_length();
        let content_type = form.content_type();
        let body = collect(form.into_body()).await;

        let expected = "--XyZ\r\n\
            Content-Disposition: form-data; name=\"segment_index\"\r\n\r\n\
            3\r\n\
            --XyZ\r\n\
            Content-Disposition: form-data; name=\"media\"; filename=\"clip.mp4\"\r\n\
            Content-Type: video/mp4\r\n\r\n\
            23456\r\n\
            --XyZ--\r\n";
        assert_eq!(String::from_utf8(body.clone()).expect("utf8"), expected);
        assert_eq!(length, body.len() as u64);
        assert_eq!(content_type, "multipart/form-data; boundary=XyZ");
    }

    #[tokio::test]
    async fn names_cannot_break_header() {
        let form = Multipart::with_boundary("B").text("a\"b\r\nc", "v");

        let body = collect(form.into_body()).await;
        let text = String::from_utf8(body).expect("utf8");

        assert!(text.contains("name=\"a%22b%0D%0Ac\""));
    }

    #[test]
    fn url_source_rejected() {
        let source = MediaSource::url("https://cdn.example.com/a.jpg").expect("url");

        let result = Multipart::new().media("m", "a.jpg", &mime::IMAGE_JPEG, &source, 0, 1);

        assert!(result.is_err());
    }

    #[test]
    fn bytes_range_checked() {
        let source = MediaSource::bytes(vec![1u8, 2, 3], None);

        let result =
            Multipart::new().media("m", "a.bin", &mime::APPLICATION_OCTET_STREAM, &source, 2, 5);

        assert!(result.is_err());
    }

    #[test]
    fn random_boundaries_differ() {
        assert_ne!(
            Multipart::new().content_type(),
            Multipart::new().content_type()
        );
    }
}
