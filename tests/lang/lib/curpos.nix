{
  pos = __curPos;
}
