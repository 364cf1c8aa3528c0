//! Reading form bodies in the fake: `multipart/form-data` and
//! `application/x-www-form-urlencoded`.

use std::collections::HashMap;

use wiremock::Request;

/// The fields of a form body; file parts keep their raw bytes.
#[derive(Debug, Default)]
pub(super) struct Form {
    fields: HashMap<String, Vec<u8>>,
}

impl Form {
    /// Reads the request body as a multipart or url-encoded form, or from a
    /// JSON object.
    pub(super) fn read(request: &Request) -> Form {
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if let Some(boundary) = content_type.split("boundary=").nth(1) {
            return Form::multipart(&request.body, boundary.trim_matches('"'));
        }
        if content_type.contains("json") {
            return Form::json(&request.body);
        }
        let fields = url::form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned().into_bytes()))
            .collect();
        Form { fields }
    }

    /// Returns a field as text.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Returns a field's raw bytes.
    pub(super) fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.fields.get(name).map(Vec::as_slice)
    }

    fn json(body: &[u8]) -> Form {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let fields = value
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(k, v)| {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        (k.clone(), text.into_bytes())
                    })
                    .collect()
            })
            .unwrap_or_default();
        Form { fields }
    }

    fn multipart(body: &[u8], boundary: &str) -> Form {
        let delimiter = format!("--{boundary}").into_bytes();
        let mut fields = HashMap::new();
        for part in split(body, &delimiter).into_iter().skip(1) {
            if part.starts_with(b"--") {
                break;
            }
            let Some(head_end) = find(part, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&part[..head_end]);
            let mut data = &part[head_end + 4..];
            if data.ends_with(b"\r\n") {
                data = &data[..data.len() - 2];
            }
            let name = head
                .split("name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default();
            fields.insert(name.to_owned(), data.to_vec());
        }
        Form { fields }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    parts.push(rest);
    parts
}
