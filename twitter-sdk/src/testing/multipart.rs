//! A strict `multipart/form-data` reader (RFC 7578) for the upload
//! endpoints: the CRLF before each delimiter belongs to the delimiter, so a
//! client that adds a stray CRLF to a part stores bytes that differ from its
//! file, and the fake's byte accounting shows it.

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub(super) name: String,
    /// The part's `Content-Type`, if it has one.
    pub(super) content_type: Option<String>,
    /// The bytes between the part's headers and the next delimiter.
    pub(super) data: Vec<u8>,
}

/// Splits `body` into parts. The error describes what is malformed.
pub(super) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = boundary(content_type).ok_or("the multipart Content-Type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = [b"\r\n".as_slice(), &delimiter].concat();
    let start = find(body, &delimiter, 0).ok_or("the body has no multipart delimiter")?;
    let mut position = start + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(position..).unwrap_or_default();
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err("a multipart delimiter is not followed by CRLF".to_owned());
        }
        position += 2;
        let end = find(body, &next_delimiter, position)
            .ok_or("the multipart body has no closing delimiter")?;
        parts.push(parse_part(body.get(position..end).unwrap_or_default())?);
        position = end + next_delimiter.len();
    }
}

fn parse_part(raw: &[u8]) -> Result<Part, String> {
    let split =
        find(raw, b"\r\n\r\n", 0).ok_or("a multipart part has no blank line after its headers")?;
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default());
    let data = raw.get(split + 4..).unwrap_or_default().to_vec();
    let header = |wanted: &str| {
        head.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case(wanted)
                .then(|| value.trim().to_owned())
        })
    };
    let disposition = header("content-disposition")
        .ok_or("a multipart part has no Content-Disposition header")?;
    let name = parameter(&disposition, "name").ok_or("a multipart part has no name")?;
    Ok(Part {
        name,
        content_type: header("content-type"),
        data,
    })
}

/// Returns the value of `key=value` or `key="value"` in a header value.
fn parameter(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|item| {
        let (name, value) = item.trim().split_once('=')?;
        if !name.trim().eq_ignore_ascii_case(key) {
            return None;
        }
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        Some(unquoted.to_owned())
    })
}

fn boundary(content_type: &str) -> Option<String> {
    let (essence, _) = content_type.split_once(';')?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameter(content_type, "boundary").filter(|boundary| !boundary.is_empty())
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let tail = haystack.get(from..)?;
    if needle.is_empty() {
        return Some(from);
    }
    tail.windows(needle.len())
        .position(|window| window == needle)
        .map(|index| index + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn parse_reads_fields_and_binary_data() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n3\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.mp4\"\r\n\
Content-Type: video/mp4\r\n\r\n\x00\r\n\xff\r\n--XyZ--\r\n";

        let parts = parse(TYPE, body).expect("parts");

        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "segment_index");
        assert_eq!(parts[0].data, b"3");
        assert_eq!(parts[1].name, "media");
        assert_eq!(parts[0].content_type, None);
        assert_eq!(parts[1].content_type.as_deref(), Some("video/mp4"));
        assert_eq!(parts[1].data, b"\x00\r\n\xff");
    }

    #[test]
    fn parse_keeps_stray_crlf_in_data() {
        let body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nabc\r\n\r\n--XyZ--";

        let parts = parse(TYPE, body).expect("parts");

        assert_eq!(parts[0].data, b"abc\r\n");
    }

    #[test]
    fn parse_rejects_malformed_bodies() {
        let unclosed = b"--XyZ\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nabc";
        let no_name = b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--XyZ--";

        assert!(parse(TYPE, unclosed).is_err());
        assert!(parse(TYPE, no_name).is_err());
        assert!(parse("multipart/form-data", b"--XyZ--").is_err());
        assert!(parse("application/json; boundary=XyZ", b"--XyZ--").is_err());
    }
}
