"""注册登录 services (manual §1.5): adding a unit, logging in, the 申报密码."""
