let a=1;b=2;in{c=a+b;d=[a b];}
