//! [`Node`]s made straight from serde_yaml's deserializer, positions and all.
//!
//! Reading into `serde_yaml::Value` first and copying that into `Node`s built every mapping
//! twice, the first time with a hash table, and walked the tree a second time: a third of
//! the time front matter took to read, which is most of a cold build's loading. The seed here
//! makes the calls serde_yaml's own `Value` makes (the same `deserialize_any`, the same key
//! check, the same tag check), so it accepts and refuses exactly the same text with exactly
//! the same words; [`super::parse`] reads the duplicate key back out of those words.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::locate::Loc;
use super::{key_text, Entry, Node, Pos, Value};

/// The node at one place of the document: where the locator found it (`loc`), or else the
/// position of what encloses it (`fallback`). Positions are shifted by `first_line`, the file
/// line the YAML text starts on.
#[derive(Clone, Copy)]
pub(super) struct NodeSeed<'a> {
    pub loc: Option<&'a Loc>,
    pub fallback: Pos,
    pub first_line: u32,
}

impl NodeSeed<'_> {
    fn shift(&self, p: Pos) -> Pos {
        Pos {
            line: p.line.saturating_add(self.first_line.saturating_sub(1)),
            col: p.col,
        }
    }

    fn pos(&self) -> Pos {
        self.loc.map(|l| self.shift(l.pos)).unwrap_or(self.fallback)
    }

    fn node(&self, value: Value) -> Node {
        Node {
            value,
            pos: self.pos(),
            raw: self.loc.and_then(|l| l.raw.clone()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Node;

    // serde_yaml's `Value` says this; it ends up in "invalid type" messages.
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Node, E> {
        Ok(self.node(Value::Bool(b)))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Node, E> {
        Ok(self.node(Value::Int(i)))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Node, E> {
        // Larger than i64: keep it as text so nothing silently wraps.
        let value = i64::try_from(u).map_or_else(|_| Value::Str(u.to_string()), Value::Int);
        Ok(self.node(value))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Node, E> {
        Ok(self.node(Value::Float(f)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
        Ok(self.node(Value::Str(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Node, E> {
        Ok(self.node(Value::Str(s)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(self.node(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(self.node(Value::Null))
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut data: A) -> Result<Node, A::Error> {
        let pos = self.pos();
        let mut items = Vec::new();
        loop {
            let seed = NodeSeed {
                loc: self.loc.and_then(|l| l.item(items.len())),
                fallback: pos,
                first_line: self.first_line,
            };
            match data.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(self.node(Value::Seq(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut data: A) -> Result<Node, A::Error> {
        let pos = self.pos();
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen = SeenKeys::default();
        while let Some(key) = data.next_key::<serde_yaml::Value>()? {
            // Refused before its value is read, as serde_yaml's `Mapping` does, so the error
            // is positioned where serde_yaml positions it.
            let key = seen.add(key, &entries).map_err(de::Error::custom)?;
            let entry = self.loc.and_then(|l| l.entry(&key));
            let key_pos = entry.map(|(p, _)| self.shift(p)).unwrap_or(pos);
            let value = data.next_value_seed(NodeSeed {
                loc: entry.map(|(_, l)| l),
                fallback: key_pos,
                first_line: self.first_line,
            })?;
            entries.push(Entry {
                key,
                key_pos,
                value,
            });
        }
        Ok(self.node(Value::Map(entries)))
    }

    /// A tagged value (`!name value`): the tag is checked as serde_yaml checks it, and the
    /// value is kept without it, in the tag's place.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        let ((), contents) = data.variant_seed(TagSeed)?;
        contents.newtype_variant_seed(self)
    }
}

/// A YAML tag's name, refused when empty as serde_yaml refuses it.
struct TagSeed;

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a YAML tag string")
    }

    fn visit_str<E: de::Error>(self, tag: &str) -> Result<(), E> {
        if tag.is_empty() {
            return Err(E::custom("empty YAML tag is not allowed"));
        }
        Ok(())
    }
}

/// Mappings longer than this look their text keys up in a set rather than scan them: staff
/// records have a few dozen keys, a hostile file may have a hundred thousand.
const SCAN_KEYS: usize = 16;

/// The keys of one mapping so far. Two keys are the same when serde_yaml's values are equal:
/// `true` and `"true"` are different keys, and so are `1` and `"1"`.
#[derive(Default)]
struct SeenKeys {
    /// Whether each entry's key was text (the rest are numbers, booleans, null, lists…).
    text: Vec<bool>,
    /// The text keys, once there are more than [`SCAN_KEYS`] entries.
    text_set: Option<HashSet<String>>,
    others: HashSet<serde_yaml::Value>,
}

impl SeenKeys {
    /// The key's text for its [`Entry`], or serde_yaml's words for a repeated key.
    fn add(&mut self, key: serde_yaml::Value, entries: &[Entry]) -> Result<String, String> {
        match key {
            serde_yaml::Value::String(text) => {
                let repeated = match &mut self.text_set {
                    Some(set) => !set.insert(text.clone()),
                    None => {
                        let repeated = entries
                            .iter()
                            .zip(&self.text)
                            .any(|(entry, &is_text)| is_text && entry.key == text);
                        if !repeated && entries.len() >= SCAN_KEYS {
                            let mut set: HashSet<String> = entries
                                .iter()
                                .zip(&self.text)
                                .filter(|(_, &is_text)| is_text)
                                .map(|(entry, _)| entry.key.clone())
                                .collect();
                            set.insert(text.clone());
                            self.text_set = Some(set);
                        }
                        repeated
                    }
                };
                if repeated {
                    return Err(format!("duplicate entry with key {text:?}"));
                }
                self.text.push(true);
                Ok(text)
            }
            other => {
                let text = key_text(&other);
                if self.others.contains(&other) {
                    return Err(duplicate_words(&other));
                }
                self.others.insert(other);
                self.text.push(false);
                Ok(text)
            }
        }
    }
}

/// serde_yaml's `DuplicateKeyError`, word for word, for a key that is not text.
fn duplicate_words(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::Null => "duplicate entry with null key".to_string(),
        serde_yaml::Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        serde_yaml::Value::Number(n) => format!("duplicate entry with key {n}"),
        serde_yaml::Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".to_string(),
    }
}

#[cfg(test)]
mod tests;
