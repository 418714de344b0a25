//! Evaluation errors.
//!
//! An [`EvalError`] carries its kind (so `tryEval` can tell a `throw` from a
//! type error), the message in Nix's wording, the position it is reported at
//! and the trace of what was being evaluated. Rendering with source excerpts
//! happens in one place, [`crate::Evaluator::render_error`].

use syntax::ast::Pos;

/// What went wrong, independent of the message text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `throw`: catchable by `tryEval`.
    Throw,
    /// A failed `assert`: catchable by `tryEval`.
    Assertion,
    /// `abort`.
    Abort,
    /// A value of the wrong type.
    Type,
    /// A missing attribute, argument or variable.
    Missing,
    InfiniteRecursion,
    /// The evaluation nested deeper than the stack allows.
    StackOverflow,
    /// A file could not be parsed.
    Syntax,
    /// A file, directory or environment access failed.
    Io,
    /// Anything else Nix reports as a plain evaluation error.
    Eval,
    /// A bug in Strata, not in the input.
    Internal,
}

#[derive(Clone, Debug)]
pub struct TraceFrame {
    pub pos: Pos,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct ErrorData {
    pub kind: ErrorKind,
    pub message: String,
    pub pos: Pos,
    pub trace: Vec<TraceFrame>,
    /// Names the user may have meant ("Did you mean …?").
    pub suggestions: Vec<String>,
}

/// An evaluation error; boxed so `Result<Value, EvalError>` stays small.
#[derive(Clone, Debug)]
pub struct EvalError(pub Box<ErrorData>);

impl EvalError {
    pub fn new(kind: ErrorKind, pos: Pos, message: impl Into<String>) -> EvalError {
        EvalError(Box::new(ErrorData {
            kind,
            message: message.into(),
            pos,
            trace: Vec::new(),
            suggestions: Vec::new(),
        }))
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn pos(&self) -> Pos {
        self.0.pos
    }

    /// Adds a "while evaluating" frame; the innermost frame comes first.
    pub fn with_frame(mut self, pos: Pos, message: impl Into<String>) -> EvalError {
        self.0.trace.push(TraceFrame { pos, message: message.into() });
        self
    }

    pub fn with_suggestions(mut self, suggestions: Vec<String>) -> EvalError {
        self.0.suggestions = suggestions;
        self
    }

    /// Fills in the position when the error was raised without one.
    pub fn at(mut self, pos: Pos) -> EvalError {
        if self.0.pos.is_none() {
            self.0.pos = pos;
        }
        self
    }

    /// True for the errors `builtins.tryEval` turns into `{ success = false; }`.
    pub fn is_catchable(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Throw | ErrorKind::Assertion)
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for EvalError {}

pub type Result<T> = std::result::Result<T, EvalError>;

/// Shorthand for a positioned error of a kind.
pub fn error(kind: ErrorKind, pos: Pos, message: impl Into<String>) -> EvalError {
    EvalError::new(kind, pos, message)
}

pub fn type_error(pos: Pos, message: impl Into<String>) -> EvalError {
    EvalError::new(ErrorKind::Type, pos, message)
}
