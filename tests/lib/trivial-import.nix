lib:
{
  json = lib.importJSON ./fixtures/data.json;
  toml = lib.importTOML ./fixtures/data.toml;
}
