//! What a page needs to show a form's problems: each next to its field,
//! and all of them in the summary at the top.

use super::FieldErrors;

/// Field errors for a form, looked up by field name in templates.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    pub fn list(&self) -> &[(String, String)] {
        &self.0
    }
}

impl From<FieldErrors> for Errors {
    fn from(errors: FieldErrors) -> Self {
        Errors(errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_found_by_its_field() {
        let errors = Errors::from(vec![("email", "Enter an email address.".to_owned())]);
        assert_eq!(errors.get("email"), Some("Enter an email address."));
        assert_eq!(errors.get("name"), None);
        assert!(errors.any());
        assert!(!Errors::default().any());
    }
}
