//! Errors that stop an audit before it can report (exit code 2). Each reads as
//! one sentence that says what to change.

use crate::rules::toml_reader::RuleError;

#[derive(Debug)]
pub enum AuditError {
    /// A rule or configuration file is invalid.
    Rules(RuleError),
    /// The site could not be read at all.
    Site(String),
    /// The site gave no usable answer (no connection, a timeout after the
    /// retries, a server error for robots.txt): what availability
    /// monitoring counts as a failed visit.
    Unreachable(String),
    /// An argument is invalid.
    Usage(String),
    /// Writing the report failed.
    Output(String),
}

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditError::Rules(e) => write!(f, "{e}"),
            AuditError::Site(m)
            | AuditError::Unreachable(m)
            | AuditError::Usage(m)
            | AuditError::Output(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for AuditError {}

impl From<RuleError> for AuditError {
    fn from(e: RuleError) -> Self {
        AuditError::Rules(e)
    }
}
