lib:
{
  enable = [ (lib.enableFeature true "shared") (lib.enableFeature false "shared") ];
  enableAs = [ (lib.enableFeatureAs true "x" "y") (lib.enableFeatureAs false "x" "y") ];
  with' = [ (lib.withFeature true "ssl") (lib.withFeature false "ssl") ];
  withAs = [ (lib.withFeatureAs true "x" "/p") (lib.withFeatureAs false "x" "/p") ];
  cmake = [ (lib.cmakeBool "ENABLE_FOO" true) (lib.cmakeBool "X" false) (lib.cmakeFeature "MODULES" "badblock") (lib.cmakeOptionType "filepath" "CMAKE_INSTALL_PREFIX" "/usr") ];
  meson = [ (lib.mesonOption "engine" "opengl") (lib.mesonBool "gen" true) (lib.mesonEnable "docs" false) (lib.mesonEnable "docs" true) ];
  badFeature = builtins.tryEval (lib.enableFeature true 1);
}
