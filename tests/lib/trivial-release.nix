lib:
{
  inherit (lib.trivial) release codeName oldestSupportedRelease versionSuffix;
  inherit (lib) version inNixShell;
  atLeast = map lib.oldestSupportedReleaseIsAtLeast [ 2305 2511 2605 ];
  revision = lib.trivial.revisionWithDefault "none";
  isInOldestRelease = lib.isInOldestRelease 2505;
}
