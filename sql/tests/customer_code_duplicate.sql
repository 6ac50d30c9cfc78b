-- customer_code identifies one customer; code lookups rely on it.
SELECT customer_code, count(*) AS copies
FROM customers
GROUP BY customer_code
HAVING count(*) > 1
