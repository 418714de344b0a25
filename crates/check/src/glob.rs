//! Glob patterns over repository-relative paths: `*` and `?` within one path component,
//! `**` for any number of components. A pattern naming a folder matches everything below it.

/// True when `path` (with `/` separators) matches `pattern` or lies below a folder it matches.
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').filter(|c| !c.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    (0..=path.len()).any(|len| components(&pattern, &path[..len]))
}

fn components(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| components(rest, &path[skip..])),
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(name, tail)| component(first.as_bytes(), name.as_bytes()) && components(rest, tail)),
    }
}

fn component(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| component(rest, &name[skip..])),
        Some((b'?', rest)) => name.split_first().is_some_and(|(_, tail)| component(rest, tail)),
        Some((c, rest)) => name.split_first().is_some_and(|(n, tail)| n == c && component(rest, tail)),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("machines/*/hardware.nix", "machines/web1/hardware.nix"));
        assert!(!matches("machines/*/hardware.nix", "machines/web1/sub/hardware.nix"));
        assert!(matches("**/hardware-configuration.nix", "hosts/a/hardware-configuration.nix"));
        assert!(matches("**/hardware-configuration.nix", "hardware-configuration.nix"));
        assert!(matches("vendor", "vendor/x/y.nix"));
        assert!(matches("modules/pa?hs.nix", "modules/paths.nix"));
        assert!(!matches("modules/*.nix", "profiles/a.nix"));
    }
}
