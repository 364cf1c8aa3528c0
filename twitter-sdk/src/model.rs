//! Response models. Unknown fields are ignored; ids are strings.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A post (tweet).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Post {
    /// The post id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The text as X stored it.
    #[serde(default)]
    pub text: String,
    /// Ids of the post's versions, oldest first (`edit_history_post_ids`,
    /// `edit_history_tweet_ids` in older responses).
    #[serde(
        default,
        alias = "edit_history_post_ids",
        alias = "edit_history_tweet_ids"
    )]
    pub edit_history_ids: Vec<String>,
    /// The author's user id, when requested.
    #[serde(default)]
    pub author_id: Option<String>,
    /// Creation time (RFC 3339), when requested.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The handle, without `@`.
    #[serde(default)]
    pub username: String,
}

/// A `data` envelope with the partial errors X may send beside it.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<T> {
    pub(crate) data: T,
    #[serde(default)]
    pub(crate) errors: Vec<Value>,
}

/// Reads an id sent as a string or as a JSON integer, without going
/// through a float.
pub(crate) fn id_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct IdVisitor;

    impl serde::de::Visitor<'_> for IdVisitor {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an id as a string or an integer")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<String, E> {
            Ok(value.to_owned())
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<String, E> {
            Ok(value.to_string())
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<String, E> {
            Ok(value.to_string())
        }
    }

    deserializer.deserialize_any(IdVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_accepts_both_history_keys_and_numeric_id() {
        let newer: Post =
            serde_json::from_str(r#"{"id":"1","text":"a","edit_history_post_ids":["1"]}"#)
                .expect("newer");
        let older: Post = serde_json::from_str(
            r#"{"id":9007199254740993,"text":"a","edit_history_tweet_ids":["2"],"extra":true}"#,
        )
        .expect("older");

        assert_eq!(newer.edit_history_ids, vec!["1"]);
        assert_eq!(older.edit_history_ids, vec!["2"]);
        assert_eq!(older.id, "9007199254740993");
    }

    #[test]
    fn float_id_rejected() {
        let result = serde_json::from_str::<Post>(r#"{"id":1.5,"text":"a"}"#);

        assert!(result.is_err());
    }
}
