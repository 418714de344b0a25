let s = { __toString = self: "name=${self.name}"; name = "x"; }; in [ (toString s) "${s}" (s + "!") ]
