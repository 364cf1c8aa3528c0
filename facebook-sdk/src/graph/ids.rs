//! Serde helpers for Graph ids and offsets, which arrive as JSON strings or
//! JSON numbers depending on the endpoint.
//!
//! Ids are kept as `String`s and never pass through `f64`, because many
//! exceed 2^53 (Instagram user ids are around 1.8 × 10^16). A number up to
//! `u64::MAX` is read exactly. A larger one reaches the visitor as a float
//! unless serde_json's `arbitrary_precision` feature is on, and is then
//! rejected instead of rounded. With that feature, it is kept digit for digit.
//!
//! ```
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Account {
//!     #[serde(deserialize_with = "facebook_sdk::graph::ids::string")]
//!     user_id: String,
//! }
//!
//! let account: Account = serde_json::from_str(r#"{"user_id":17841401714833791}"#).unwrap();
//! assert_eq!(account.user_id, "17841401714833791");
//! ```

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The key serde_json's `arbitrary_precision` feature uses to pass a number
/// as text through a map.
const ARBITRARY_NUMBER_KEY: &str = "$serde_json::private::Number";

/// Reads an id sent as a string or an integer into a `String`, exactly.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(IdVisitor)
}

/// Reads an optional id; `null` and a missing field (with `#[serde(default)]`) give `None`.
pub fn optional_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_option(OptionalIdVisitor)
}

/// Reads a non-negative integer sent as a number or a decimal string, such
/// as the chunked video upload's `start_offset` (`"0"` or `0`).
pub fn u64_from_any<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let text = deserializer.deserialize_any(IdVisitor)?;
    parse_u64(&text).map_err(de::Error::custom)
}

/// Reads an optional integer sent as a number or a decimal string.
pub fn optional_u64_from_any<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    match deserializer.deserialize_option(OptionalIdVisitor)? {
        Some(text) => parse_u64(&text).map(Some).map_err(de::Error::custom),
        None => Ok(None),
    }
}

/// Reads an id from a JSON value (a string or an integer), exactly.
pub fn id_from_value(value: &serde_json::Value) -> Option<String> {
    string(value).ok()
}

/// Reads a non-negative integer from a JSON value (a number or a decimal string).
pub fn u64_from_value(value: &serde_json::Value) -> Option<u64> {
    u64_from_any(value).ok()
}

fn parse_u64(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    trimmed
        .parse::<u64>()
        .map_err(|_| format!("`{trimmed}` is not a non-negative integer"))
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
        Err(E::custom(format!(
            "the id {value} arrived as a floating-point number and cannot be kept exactly; \
             integers above 18446744073709551615 need serde_json's arbitrary_precision feature"
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        // serde_json with `arbitrary_precision` hands over numbers it cannot
        // fit in u128 as a one-entry map holding the digits.
        match map.next_key::<String>()? {
            Some(key) if key == ARBITRARY_NUMBER_KEY => {
                let digits: String = map.next_value()?;
                if digits.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    Ok(digits)
                } else {
                    Err(de::Error::custom(format!(
                        "the id {digits} is not an integer"
                    )))
                }
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

struct OptionalIdVisitor;

impl<'de> Visitor<'de> for OptionalIdVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a string or an integer, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<String>, D::Error> {
        string(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Ids {
        #[serde(deserialize_with = "string")]
        id: String,
        #[serde(default, deserialize_with = "optional_string")]
        other: Option<String>,
        #[serde(default, deserialize_with = "optional_u64_from_any")]
        offset: Option<u64>,
    }

    #[test]
    fn ids_above_2_pow_53_kept_exact() {
        let from_text: Ids = serde_json::from_str(r#"{"id":17841401714833791}"#).expect("number");
        let from_value: Ids =
            serde_json::from_value(json!({"id": 18446744073709551615u64})).expect("u64 max");

        assert_eq!(from_text.id, "17841401714833791");
        assert_eq!(from_value.id, "18446744073709551615");
    }

    #[test]
    fn numeric_strings_and_negatives_accepted() {
        let text: Ids = serde_json::from_str(r#"{"id":"1234_5678","other":"9"}"#).expect("strings");
        let negative: Ids = serde_json::from_str(r#"{"id":-2}"#).expect("negative");

        assert_eq!(text.id, "1234_5678");
        assert_eq!(text.other.as_deref(), Some("9"));
        assert_eq!(negative.id, "-2");
    }

    #[test]
    fn float_ids_rejected() {
        let error = serde_json::from_str::<Ids>(r#"{"id":1.5e3}"#).expect_err("float");

        assert!(error.to_string().contains("floating-point"), "{error}");
    }

    #[test]
    fn ids_beyond_u64_rejected_without_arbitrary_precision() {
        let result = serde_json::from_str::<Ids>(r#"{"id":123456789012345678901234567890}"#);

        // With arbitrary_precision (enabled by any crate in the build), the
        // digits are kept; without it they arrive as a float and are rejected.
        match result {
            Ok(ids) => assert_eq!(ids.id, "123456789012345678901234567890"),
            Err(error) => assert!(error.to_string().contains("arbitrary_precision"), "{error}"),
        }
    }

    #[test]
    fn offsets_read_from_strings_or_numbers() {
        let text: Ids = serde_json::from_str(r#"{"id":"1","offset":"1048576"}"#).expect("string");
        let number: Ids = serde_json::from_str(r#"{"id":"1","offset":1048576}"#).expect("number");
        let null: Ids = serde_json::from_str(r#"{"id":"1","offset":null}"#).expect("null");
        let bad = serde_json::from_str::<Ids>(r#"{"id":"1","offset":"ten"}"#);

        assert_eq!(text.offset, Some(1_048_576));
        assert_eq!(number.offset, Some(1_048_576));
        assert_eq!(null.offset, None);
        assert!(bad.is_err());
    }

    #[test]
    fn value_helpers_read_both_forms() {
        assert_eq!(id_from_value(&json!(42)).as_deref(), Some("42"));
        assert_eq!(id_from_value(&json!("42")).as_deref(), Some("42"));
        assert_eq!(id_from_value(&json!(true)), None);
        assert_eq!(u64_from_value(&json!("7")), Some(7));
        assert_eq!(u64_from_value(&json!(-7)), None);
    }
}
