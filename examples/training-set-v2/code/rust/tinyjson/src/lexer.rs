// SPDX-License-Identifier: MIT OR Apache-2.0
// Copyright (c) 2023 The tinyjson authors

//! Splits JSON text into tokens. The lexer does not allocate: string tokens
//! borrow from the input and are unescaped later, on demand.

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    BeginObject,
    EndObject,
    BeginArray,
    EndArray,
    Colon,
    Comma,
    String(&'a str),
    Number(&'a str),
    True,
    False,
    Null,
}

#[derive(Debug, PartialEq)]
pub struct LexError {
    pub offset: usize,
    pub message: &'static str,
}

pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Self {
        Lexer { input, pos: 0 }
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.input.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn keyword(&mut self, word: &'static str, token: Token<'a>) -> Result<Token<'a>, LexError> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(token)
        } else {
            Err(LexError { offset: self.pos, message: "invalid literal" })
        }
    }

    fn string(&mut self) -> Result<Token<'a>, LexError> {
        let start = self.pos + 1;
        let bytes = self.input.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Token::String(&self.input[start..i]));
                }
                b'\\' => i += 2,
                0x00..=0x1f => return Err(LexError { offset: i, message: "control character in string" }),
                _ => i += 1,
            }
        }
        Err(LexError { offset: self.pos, message: "unterminated string" })
    }

    fn number(&mut self) -> Result<Token<'a>, LexError> {
        let start = self.pos;
        let bytes = self.input.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.pos += 1;
        }
        Ok(Token::Number(&self.input[start..self.pos]))
    }

    /// Returns the next token, `None` at the end of the input.
    pub fn next_token(&mut self) -> Option<Result<Token<'a>, LexError>> {
        self.skip_whitespace();
        let c = *self.input.as_bytes().get(self.pos)?;
        let simple = |lexer: &mut Self, t| {
            lexer.pos += 1;
            Ok(t)
        };
        Some(match c {
            b'{' => simple(self, Token::BeginObject),
            b'}' => simple(self, Token::EndObject),
            b'[' => simple(self, Token::BeginArray),
            b']' => simple(self, Token::EndArray),
            b':' => simple(self, Token::Colon),
            b',' => simple(self, Token::Comma),
            b'"' => self.string(),
            b't' => self.keyword("true", Token::True),
            b'f' => self.keyword("false", Token::False),
            b'n' => self.keyword("null", Token::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(LexError { offset: self.pos, message: "unexpected character" }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_an_object() {
        let mut lexer = Lexer::new(r#"{"a": [1, true, null]}"#);
        let mut tokens = Vec::new();
        while let Some(t) = lexer.next_token() {
            tokens.push(t.unwrap());
        }
        assert_eq!(tokens.len(), 10);
        assert_eq!(tokens[1], Token::String("a"));
    }
}
