{
  a = __curPos.line;
    b = __curPos.column;
}
