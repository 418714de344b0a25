# users.users and users.groups. Ids left null are allocated at activation
# (normal users from 1000, system users and groups below 1000) and kept
# across generations.
{ config, lib, pkgs, ... }:
let
  cfg = config.users;
  inherit (lib) types mkOption mkDefault;

  userOptions = { name, config, ... }: {
    options = {
      name = mkOption {
        type = types.passwdEntry types.str;
        default = name;
        description = "The user's login name; defaults to the attribute name.";
      };
      description = mkOption {
        type = types.passwdEntry types.str;
        default = "";
        example = "Alice Q. User";
        description = "A short description of the user (the GECOS field).";
      };
      uid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The user id; null allocates one at activation and keeps it.";
      };
      isSystemUser = mkOption {
        type = types.bool;
        default = false;
        description = "Whether this is a system user: an id below 1000, no home created by default.";
      };
      isNormalUser = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether this is a person's account: group `users`, home
          `/home/NAME` created, the default shell, an id from 1000.
        '';
      };
      group = mkOption {
        type = types.str;
        default = "";
        description = "The user's primary group.";
      };
      extraGroups = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Further groups the user belongs to.";
      };
      home = mkOption {
        type = types.passwdEntry types.path;
        default = "/var/empty";
        description = "The user's home directory.";
      };
      homeMode = mkOption {
        type = types.strMatching "[0-7]{1,5}";
        default = "700";
        description = "Permissions of the home directory when it is created.";
      };
      createHome = mkOption {
        type = types.bool;
        default = false;
        description = "Whether activation creates the home directory (owned by the user) when it is missing.";
      };
      useDefaultShell = mkOption {
        type = types.bool;
        default = false;
        description = "Whether the user's shell is `users.defaultUserShell`.";
      };
      shell = mkOption {
        type = types.nullOr (types.either types.package (types.passwdEntry types.path));
        default = null;
        example = lib.literalExpression "pkgs.zsh";
        description = ''
          The user's login shell: a package (its `shellPath`, or `bin/NAME`, which
          is then installed) or a path. Null means `users.defaultUserShell` when
          `useDefaultShell` is set and `/usr/sbin/nologin` otherwise.
        '';
      };
      hashedPassword = mkOption {
        type = types.nullOr (types.passwdEntry types.str);
        default = null;
        description = "The password hash (as `mkpasswd` prints it); null leaves the password as it is.";
      };
      initialHashedPassword = mkOption {
        type = types.nullOr (types.passwdEntry types.str);
        default = null;
        description = "The password hash set when the user is created (later changes are kept).";
      };
      hashedPasswordFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "A file on the machine whose first line is the password hash, read at activation.";
      };
      password = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Not supported: Strata keeps no plaintext passwords; use `hashedPassword`.";
      };
      initialPassword = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Not supported: Strata keeps no plaintext passwords; use `initialHashedPassword`.";
      };
      packages = mkOption {
        type = types.listOf types.package;
        default = [ ];
        description = "Packages installed for this user (Strata installs them system-wide).";
      };
      openssh.authorizedKeys.keys = mkOption {
        type = types.listOf types.singleLineStr;
        default = [ ];
        description = "Public keys that may log in as this user over SSH.";
      };
    };
    config = lib.mkIf config.isNormalUser {
      group = mkDefault "users";
      createHome = mkDefault true;
      home = mkDefault "/home/${config.name}";
      useDefaultShell = mkDefault true;
    };
  };

  groupOptions = { name, config, ... }: {
    options = {
      name = mkOption {
        type = types.passwdEntry types.str;
        default = name;
        description = "The group's name; defaults to the attribute name.";
      };
      gid = mkOption {
        type = types.nullOr types.int;
        default = null;
        description = "The group id; null allocates one at activation and keeps it.";
      };
      members = mkOption {
        type = types.listOf (types.passwdEntry types.str);
        default = [ ];
        description = "Users in the group; those that list it in `extraGroups` are added.";
      };
    };
    # As in NixOS, the users that name the group in `extraGroups` are members.
    config.members = map (u: u.name) (builtins.filter (u: builtins.elem config.name u.extraGroups) users);
  };

  shellPath = user:
    let shell = if user.shell == null && user.useDefaultShell then cfg.defaultUserShell else user.shell; in
    if shell == null then "/usr/sbin/nologin"
    else if lib.isDerivation shell then "${shell}${shell.shellPath or "/bin/${shell.pname or (builtins.parseDrvName shell.name).name}"}"
    else toString shell;

  users = builtins.attrValues cfg.users;
  groups = builtins.attrValues cfg.groups;

  renderUser = u: {
    inherit (u) uid group extraGroups createHome isNormalUser isSystemUser hashedPassword initialHashedPassword
      hashedPasswordFile description homeMode;
    home = toString u.home;
    shell = shellPath u;
    authorizedKeys = u.openssh.authorizedKeys.keys;
  };

  renderGroup = g: {
    inherit (g) gid;
    members = lib.sort builtins.lessThan (lib.unique g.members);
  };

  duplicates = ids: lib.unique (builtins.filter (id: lib.count (x: x == id) ids > 1) ids);
  duplicateUids = duplicates (builtins.filter (id: id != null) (map (u: u.uid) users));
  duplicateGids = duplicates (builtins.filter (id: id != null) (map (g: g.gid) groups));
in
{
  options.users = {
    users = mkOption {
      type = types.attrsOf (types.submodule userOptions);
      default = { };
      description = "User accounts. Users are never deleted by Strata, only locked when they disappear.";
    };
    groups = mkOption {
      type = types.attrsOf (types.submodule groupOptions);
      default = { };
      description = "Groups. Groups are never deleted by Strata.";
    };
    mutableUsers = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Accepted for NixOS compatibility. Strata always sets the passwords that
        are declared (`hashedPassword`) and leaves the others as they are.
      '';
    };
    defaultUserShell = mkOption {
      type = types.either types.package (types.passwdEntry types.path);
      default = "/bin/bash";
      description = "The shell of users with `useDefaultShell` (all normal users unless they set `shell`).";
    };
  };

  config = {
    users.users.root = {
      uid = 0;
      description = "System administrator";
      home = "/root";
      group = "root";
      shell = mkDefault cfg.defaultUserShell;
    };

    users.groups = {
      root.gid = 0;
      wheel = { };
      users.gid = 100;
      nogroup.gid = 65534;
    };

    strata.packageSources = lib.concatMap
      (u: u.packages ++ lib.optional (lib.isDerivation u.shell) u.shell)
      users
      ++ lib.optional (lib.isDerivation cfg.defaultUserShell) cfg.defaultUserShell;

    assertions = lib.concatMap
      (u: [
        {
          assertion = lib.xor (u.isSystemUser || u.uid != null && u.uid < 1000) u.isNormalUser;
          message = "users.users.${u.name}: set exactly one of `isSystemUser' and `isNormalUser' (a uid below 1000 counts as a system user).";
        }
        {
          assertion = u.password == null && u.initialPassword == null;
          message = "users.users.${u.name}: Strata does not keep plaintext passwords; set `hashedPassword' (or `initialHashedPassword') to the output of `mkpasswd' instead of `password'/`initialPassword'.";
        }
        {
          assertion = u.group != "";
          message = "users.users.${u.name}.group is not set. Give the user a primary group, for example: users.users.${u.name}.group = \"${u.name}\"; users.groups.${u.name} = { };";
        }
      ])
      users
    ++ [
      {
        assertion = duplicateUids == [ ];
        message = "users.users: these uids are given to more than one user: ${lib.concatMapStringsSep ", " toString duplicateUids}.";
      }
      {
        assertion = duplicateGids == [ ];
        message = "users.groups: these gids are given to more than one group: ${lib.concatMapStringsSep ", " toString duplicateGids}.";
      }
    ];

    system.build.strataUsers = {
      users = builtins.listToAttrs (map (u: { name = u.name; value = renderUser u; }) users);
      groups = builtins.listToAttrs (map (g: { name = g.name; value = renderGroup g; }) groups);
    };
  };
}
