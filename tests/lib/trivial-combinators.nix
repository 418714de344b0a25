lib:
{
  id = lib.id 3;
  const = lib.const 1 2;
  pipe = lib.pipe 2 [ (x: x + 1) (x: x * 10) toString ];
  pipeEmpty = lib.pipe "v" [ ];
  concat = lib.concat [ 1 ] [ 2 3 ];
  flip = lib.flip lib.concat [ 1 ] [ 2 ];
  mapNullable = [ (lib.mapNullable (x: x + 1) null) (lib.mapNullable (x: x + 1) 1) ];
  defaultTo = [ (lib.defaultTo 1 null) (lib.defaultTo 1 false) ];
  mergeAttrs = lib.mergeAttrs { a = 1; b = 1; } { b = 2; };
}
