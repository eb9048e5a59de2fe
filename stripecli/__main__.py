from stripecli.cli import main

raise SystemExit(main())
