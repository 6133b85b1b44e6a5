//! `git_hosts` / `docker_hosts`: which hosts a profile answers for, one matcher
//! for both front-ends.
