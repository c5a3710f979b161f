//! Declarations of `linked_list.h`.
