"""费款缴纳: arrears, payments, vouchers, agreements and 到账 (issue 10), shared by both modules."""
