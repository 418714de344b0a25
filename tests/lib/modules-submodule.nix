lib:
let
  inherit (lib) mkOption types;
  sub = types.submodule ({ name, config, ... }: {
    options.name = mkOption { type = types.str; default = name; };
    options.port = mkOption { type = types.port; default = 80; };
    options.url = mkOption { type = types.str; default = "http://${config.name}:${toString config.port}"; };
  });
  r = lib.evalModules {
    modules = [
      { options.services = mkOption { type = types.attrsOf sub; default = { }; }; }
      { options.one = mkOption { type = sub; }; }
      { services.web.port = 8080; services.db = { }; one.name = "single"; }
      { services.web = { name = lib.mkForce "www"; }; }
    ];
  };
in
{ inherit (r.config) services one; subopts = builtins.attrNames (r.options.services.type.getSubOptions [ "services" "x" ]); desc = r.options.services.type.description; }
