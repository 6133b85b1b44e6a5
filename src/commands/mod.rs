//! The user commands, one file each: they get the interpreted invocation and
//! their own arguments, ask the broker, and write through [`crate::output`].

pub(crate) mod api;
pub(crate) mod cache;
pub(crate) mod check;
pub(crate) mod demo;
pub(crate) mod docs;
pub(crate) mod exec;
pub(crate) mod init;
pub(crate) mod install_helpers;
pub(crate) mod secret;
pub(crate) mod setup;
pub(crate) mod status;
pub(crate) mod token;
