# Inspecting the file system: file types, recursive listings, searching
# upwards, and package sets laid out as directories.
{ lib }:
let
  inherit (builtins) readDir pathExists attrNames filter match length;
in
rec {
  inherit (builtins) baseNameOf dirOf hashFile isPath readDir;

  # "regular", "directory", "symlink" or "unknown".
  readFileType =
    builtins.readFileType or (path:
      if dirOf path == path then "directory"
      else (readDir (dirOf path)).${baseNameOf path});

  pathType = path:
    if !(pathExists path) then
      throw "lib.filesystem.pathType: Path ${toString path} does not exist."
    else readFileType path;

  pathIsDirectory = path: pathExists path && pathType path == "directory";

  pathIsRegularFile = path: pathExists path && pathType path == "regular";

  # Every file below `dir` (not the directories themselves), as paths.
  listFilesRecursive = dir:
    builtins.concatLists (lib.attrsets.mapAttrsToList
      (name: type:
        let path = dir + "/${name}"; in
        if type == "directory" then listFilesRecursive path else [ path ])
      (readDir dir));

  # The closest directory, starting at `file` (or its directory) and going
  # up, holding an entry whose name matches `pattern`:
  # { path; matches; } with the regex groups of each match, or null.
  locateDominatingFile = pattern: file:
    let
      search = dir:
        let found = filter (m: m != null) (map (match pattern) (attrNames (readDir dir))); in
        if found != [ ] then { path = dir; matches = found; }
        else if dir == /. then null
        else search (dirOf dir);
      parent = dirOf file;
      isDirectory = file == /. || ((readDir parent).${baseNameOf file} or null) == "directory";
    in
    search (if isDirectory then file else parent);

  # Subdirectories of `root` holding a `<name>.cabal` file, by name.
  haskellPathsInDir = root:
    builtins.listToAttrs (filter
      (entry: pathExists (entry.value + "/${entry.name}.cabal"))
      (map (name: { inherit name; value = root + "/${name}"; }) (attrNames (readDir root))));

  # A directory that contains `default.nix` stands for that file.
  resolveDefaultNix = path:
    if pathIsDirectory path then path + "/default.nix" else path;

  # Call every `*.nix` file below `directory` with `callPackage`: files
  # become attributes named without `.nix`, subdirectories nested sets, and
  # a directory holding `package.nix` is that one package. With `newScope`,
  # each directory is its own scope whose members can refer to each other.
  packagesFromDirectoryRecursive =
    { callPackage
    , directory
    , ...
    }@args:
    let
      # The attributes for this directory, calling files with `a.callPackage`.
      contents = a:
        lib.attrsets.concatMapAttrs
          (name: type:
            let path = directory + "/${name}"; in
            if type == "directory" then
              { ${name} = packagesFromDirectoryRecursive (a // { directory = path; }); }
            else if type == "regular" && lib.strings.hasSuffix ".nix" name then
              { ${lib.strings.removeSuffix ".nix" name} = a.callPackage path { }; }
            else if type == "regular" then { }
            else throw "lib.filesystem.packagesFromDirectoryRecursive: Unsupported file type ${type} at path ${toString path}")
          (readDir directory);
      single = directory + "/package.nix";
    in
    if pathExists single then callPackage single { }
    else if args ? newScope then
      lib.attrsets.recurseIntoAttrs (lib.customisation.makeScope args.newScope (self:
        contents (args // { inherit (self) callPackage newScope; })))
    else contents args;
}
