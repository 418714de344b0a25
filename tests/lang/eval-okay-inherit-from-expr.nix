{ inherit ({ p = 1; q = 2; } // { q = 3; }) p q; }
