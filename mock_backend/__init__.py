"""mock_backend"""
