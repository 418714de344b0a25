{ name }: "${name}, world"
