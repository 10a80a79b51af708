//! What an operation is asked to do, read only once the caller is known
//! to be allowed to do it: a refused caller hears "not allowed", never
//! what the input lacks. The API hands over its JSON body unread; a page
//! hands over the form it has already read.

use super::Refusal;

pub trait Input<T> {
    fn read(self) -> Result<T, Refusal>;
}

/// Input already read (a page's form).
pub struct Given<T>(pub T);

impl<T> Input<T> for Given<T> {
    fn read(self) -> Result<T, Refusal> {
        Ok(self.0)
    }
}
