//! The state of a resumable upload, serializable so a process that stops
//! can resume the same upload later.

use std::fmt;

use serde::{Deserialize, Serialize};
use social_core::upload::FileIdentity;
use social_core::{Error, Response, Result, UnexpectedBody};
use url::Url;

use crate::metadata::VideoMetadata;

/// The session URI YouTube returned in `Location`. It authorizes uploads
/// into the session, so `Debug` and `Display` show only scheme, host and
/// path, never the `upload_id`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionUri(Url);

impl Serialize for SessionUri {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for SessionUri {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SessionUri::parse(&text)
            .map_err(|_| serde::de::Error::custom("not an https (or loopback http) session URI"))
    }
}

impl SessionUri {
    /// Checks and wraps a session URI: `https`, or `http` on a loopback host.
    pub fn parse(value: &str) -> Result<SessionUri> {
        let url = Url::parse(value.trim())
            .map_err(|e| Error::invalid_input("session_uri", format!("not a valid URL ({e})")))?;
        SessionUri::from_url(url)
    }

    pub(crate) fn from_url(url: Url) -> Result<SessionUri> {
        let loopback = social_core::settings::is_loopback(&url);
        match url.scheme() {
            "https" => Ok(SessionUri(url)),
            "http" if loopback => Ok(SessionUri(url)),
            other => Err(Error::invalid_input(
                "session_uri",
                format!("uses {other}; a session URI must be https (http only on loopback)"),
            )),
        }
    }

    /// Returns the full URI, query included. Keep it out of logs.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    fn redacted(&self) -> String {
        let mut url = self.0.clone();
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        format!("{url}?[redacted]")
    }
}

impl fmt::Debug for SessionUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionUri({})", self.redacted())
    }
}

impl fmt::Display for SessionUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Everything needed to continue an upload: the session URI, the file's
/// identity (path, size, modification time), its content type, the offset
/// the server last confirmed, and the metadata (to start a new session if
/// this one expires).
///
/// Save it (it is `serde`-serializable) from
/// [`ResumableUpload::on_session_change`](crate::ResumableUpload::on_session_change)
/// and give it to [`Client::resume_upload`](crate::Client::resume_upload)
/// after a restart. The serialized form contains the session URI, which
/// authorizes uploads into the session, so store it privately.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadSession {
    pub(crate) session_uri: SessionUri,
    pub(crate) file: FileIdentity,
    pub(crate) content_type: String,
    pub(crate) offset: u64,
    pub(crate) chunk_size: u64,
    pub(crate) metadata: VideoMetadata,
    #[serde(default)]
    pub(crate) sessions_started: u32,
}

impl fmt::Debug for UploadSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSession")
            .field("session_uri", &self.session_uri)
            .field("file", &self.file)
            .field("content_type", &self.content_type)
            .field("offset", &self.offset)
            .field("total", &self.file.len)
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl UploadSession {
    /// Returns the session URI.
    pub fn session_uri(&self) -> &SessionUri {
        &self.session_uri
    }

    /// Returns the identity of the file being uploaded.
    pub fn file(&self) -> &FileIdentity {
        &self.file
    }

    /// Returns the size of the file.
    pub fn total(&self) -> u64 {
        self.file.len
    }

    /// Returns the number of bytes the server has confirmed.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Returns the media type sent with the bytes.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// Returns the chunk size.
    pub fn chunk_size(&self) -> u64 {
        self.chunk_size
    }

    /// Returns the video's metadata.
    pub fn metadata(&self) -> &VideoMetadata {
        &self.metadata
    }

    /// Returns how many sessions this upload has started (more than one
    /// after an expired session was replaced).
    pub fn sessions_started(&self) -> u32 {
        self.sessions_started
    }

    /// Serializes the session to JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a session saved with [`UploadSession::to_json`].
    pub fn from_json(json: &str) -> Result<UploadSession> {
        let session: UploadSession = serde_json::from_str(json).map_err(|e| {
            Error::invalid_input(
                "upload_session",
                format!("not a saved upload session ({e})"),
            )
        })?;
        Ok(session)
    }
}

/// Reads the next offset from a 308 response: the `Range` header's last
/// byte plus one, or 0 when there is no `Range` (the server has nothing).
pub(crate) fn next_offset(response: &Response, total: u64) -> Result<u64> {
    let Some(value) = response.header("range") else {
        return Ok(0);
    };
    let offset = parse_range(value).ok_or_else(|| {
        Error::from(response.unexpected(
            UnexpectedBody::MissingField,
            format!("the Range header `{value}` is not bytes=0-N"),
        ))
    })?;
    if offset > total {
        return Err(response
            .unexpected(
                UnexpectedBody::MissingField,
                format!("the Range header `{value}` goes past the file's {total} bytes"),
            )
            .into());
    }
    Ok(offset)
}

/// Parses `bytes=0-N` (also `bytes 0-N`) into `N + 1`.
pub(crate) fn parse_range(value: &str) -> Option<u64> {
    let value = value.trim();
    let ranges = value
        .strip_prefix("bytes=")
        .or_else(|| value.strip_prefix("bytes "))?;
    let last = ranges.rsplit(',').next()?.trim();
    let (start, end) = last.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    end.checked_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_forms() {
        assert_eq!(parse_range("bytes=0-524287"), Some(524_288));
        assert_eq!(parse_range("bytes 0-0"), Some(1));
        assert_eq!(parse_range(" bytes=0-99 "), Some(100));
        assert_eq!(parse_range("bytes=0-99,200-299"), Some(300));
        assert_eq!(parse_range("bytes=0-"), None);
        assert_eq!(parse_range("items=0-9"), None);
        assert_eq!(parse_range("bytes=9-3"), None);
    }

    #[test]
    fn session_uri_never_prints_upload_id() {
        let uri = SessionUri::parse(
            "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=SECRETID",
        )
        .expect("valid");

        let shown = format!("{uri} {uri:?}");

        assert!(!shown.contains("SECRETID"), "{shown}");
        assert!(shown.contains("www.googleapis.com/upload/youtube/v3/videos"));
    }

    #[test]
    fn session_uri_must_be_https_off_loopback() {
        assert!(SessionUri::parse("http://127.0.0.1:8080/upload?upload_id=1").is_ok());
        assert!(SessionUri::parse("http://uploads.example.com/upload?upload_id=1").is_err());
    }
}
