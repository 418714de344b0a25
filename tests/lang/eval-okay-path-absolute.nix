[ /foo/bar /foo/../baz /a/./b /. /foo/bar/.. /.. (toString /foo/bar) ]
