lib:
{
  split = lib.versions.splitVersion "1.2.3-beta";
  major = lib.versions.major "1.2.3";
  minor = lib.versions.minor "1.2.3";
  patch = lib.versions.patch "1.2.3";
  majorMinor = lib.versions.majorMinor "1.2.3";
  pad = map (lib.versions.pad 3) [ "1.2" "1.2.3.4" "1.2-beta" "1.2.3pre" "1" ];
  splitVersion = lib.splitVersion "2.0a";
}
